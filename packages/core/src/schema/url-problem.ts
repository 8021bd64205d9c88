/**
 * Why `new URL(text)` refused a configured URL, in words an operator can act on. The common
 * case is a password holding a character that ends the userinfo early (`/ ? # \`): the URL then
 * means another host, or nothing, and the fix is percent-encoding, not a different URL.
 */
export function urlParseProblem(text: string): string {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/(.*)@/is.exec(text.trim())?.[1];
  if (userinfo !== undefined && /[/?#\\]/.test(userinfo)) {
    return "not an absolute URL: a / ? # or \\ in the user name or password must be percent-encoded (/ as %2F, ? as %3F, # as %23, \\ as %5C, @ as %40)";
  }
  return "not an absolute URL";
}
