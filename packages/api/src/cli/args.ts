/** `--name value` and `--flag` arguments (a literal `--` from `pnpm run x -- …` is skipped). */
export const parseArgs = (argv: readonly string[]): Map<string, string | true> => {
  const out = new Map<string, string | true>();
  const args = argv.filter((a) => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('--')) out.set(a.slice(2), args[++i]!);
    else out.set(a.slice(2), true);
  }
  return out;
};
