// Quoting for the paste-back commands faultline prints (replay, resume, run it). Its own
// module, free of the kernel, so the CLI's command modules can use it at start-up.

/** Quote for a POSIX shell, only when needed. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
