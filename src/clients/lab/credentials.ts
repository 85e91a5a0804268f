/**
 * Username and password rules as Azure VMs define them, per OS type. Lab Services hands the
 * credentials to the template VM, so a value Azure VMs reject fails ~10 minutes into a lab
 * creation; checking here fails in milliseconds instead.
 *
 * Sources: Azure VM FAQ ("What are the username requirements when creating a VM?", "What are the
 * password requirements when creating a VM?") and the Azure CLI's `_validate_admin_username` /
 * `_validate_admin_password`. When the OS type is unknown (no preflight read), only the rules both
 * OS types share are applied: the SDK never rejects what the service would accept.
 *
 * Nothing in this file ever puts a password, or part of one, into a message.
 */
import type { ValidationIssue } from "../../core/errors.js";
import type { OsType } from "../../models/gallery-image.js";

/** Usernames Azure VMs refuse on Windows and Linux (compared case-insensitively). */
export const RESERVED_USERNAMES: readonly string[] = [
  "administrator",
  "admin",
  "user",
  "user1",
  "test",
  "user2",
  "test1",
  "user3",
  "admin1",
  "1",
  "123",
  "a",
  "actuser",
  "adm",
  "admin2",
  "aspnet",
  "backup",
  "console",
  "david",
  "guest",
  "john",
  "owner",
  "root",
  "server",
  "sql",
  "support",
  "support_388945a0",
  "sys",
  "test2",
  "test3",
  "user4",
  "user5",
];

/** Passwords Azure VMs refuse outright, whatever their complexity. */
const DISALLOWED_PASSWORDS = new Set(
  ["abc@123", "P@$$w0rd", "P@ssw0rd", "P@ssword123", "Pa$$word", "pass@word1", "Password!", "Password1", "Password22", "iloveyou!"].map((p) => p.toLowerCase()),
);

interface Limits {
  usernameMax: number;
  passwordMin: number;
  passwordMax: number;
}

const LIMITS: Record<OsType, Limits> = {
  Windows: { usernameMax: 20, passwordMin: 8, passwordMax: 123 },
  Linux: { usernameMax: 64, passwordMin: 6, passwordMax: 72 },
};
// Unknown OS: the looser bound of each, so only values invalid on both OS types are rejected.
const ANY: Limits = { usernameMax: 64, passwordMin: 6, passwordMax: 123 };

// Azure CLI: Windows forbids \/"[]:|<>+=;,?*@ and a trailing '.'; Linux also forbids #()! and
// upper case, and a leading '$' or '-'.
const WINDOWS_BAD = /[\\/"[\]:|<>+=;,?*@]/;
const LINUX_BAD = /[\\/"[\]:|<>+=;,?*@#()!A-Z]/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Username issues for `osType` (undefined: rules shared by both). `path` names the field. */
export function usernameIssues(username: string, osType: OsType | undefined, path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const limits = osType ? LIMITS[osType] : ANY;
  const forOs = osType ? ` for a ${osType} image` : "";
  if (username.length === 0) return [{ path, message: "a username is required" }];
  if (RESERVED_USERNAMES.includes(username.toLowerCase())) {
    issues.push({ path, message: `"${username}" is a reserved username on Azure VMs; pick another (e.g. "labadmin")` });
  }
  if (username.length > limits.usernameMax) {
    issues.push({ path, message: `usernames are at most ${limits.usernameMax} characters${forOs}` });
  }
  if (CONTROL.test(username) || /\s/.test(username)) issues.push({ path, message: "usernames cannot contain spaces or control characters" });
  if (osType === "Windows" || osType === undefined) {
    // Both OS types forbid these characters, so they are checked even when the OS is unknown.
    if (WINDOWS_BAD.test(username)) issues.push({ path, message: `usernames cannot contain any of \\ / " [ ] : | < > + = ; , ? * @` });
  }
  if (osType === "Windows" && username.endsWith(".")) issues.push({ path, message: "Windows usernames cannot end with '.'" });
  if (osType === "Linux") {
    if (LINUX_BAD.test(username)) {
      issues.push({ path, message: `Linux usernames cannot contain upper-case letters or any of \\ / " [ ] : | < > + = ; , ? * @ # ( ) !` });
    }
    if (/^[$-]/.test(username)) issues.push({ path, message: "Linux usernames cannot start with '$' or '-'" });
  }
  return issues;
}

/**
 * Password issues for `osType`. Messages describe the rule, never the value: not its length, not
 * which characters it has.
 */
export function passwordIssues(password: string, osType: OsType | undefined, path: string): ValidationIssue[] {
  const limits = osType ? LIMITS[osType] : ANY;
  const forOs = osType ? ` for a ${osType} image` : "";
  const issues: ValidationIssue[] = [];
  if (password.length < limits.passwordMin || password.length > limits.passwordMax) {
    issues.push({ path, message: `the password must be ${limits.passwordMin}-${limits.passwordMax} characters long${forOs}` });
  }
  if (CONTROL.test(password)) issues.push({ path, message: "the password cannot contain control characters" });
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3) {
    issues.push({ path, message: "the password must contain 3 of: a lower-case letter, an upper-case letter, a digit, a special character" });
  }
  if (DISALLOWED_PASSWORDS.has(password.toLowerCase())) issues.push({ path, message: "this password is on Azure's list of disallowed passwords" });
  return issues;
}
