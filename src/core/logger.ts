import { createClientLogger } from "@azure/logger";

/** The `azure-lab-gallery` channel of `@azure/logger`; enable with `AZURE_LOG_LEVEL=info` or `setLogLevel`. */
export const logger = createClientLogger("azure-lab-gallery");
