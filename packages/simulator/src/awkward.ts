// Strings an agent controls and evidence repeats: agent names (from certificate folders, token
// files and the log) and command lines. Each is valid where iddio needs it (a folder name, a YAML
// key, a JSON string) and hostile where evidence goes: HTML, CSV cells, spreadsheet formulas.

/**
 * Agent names for `awkwardAgentNames`, in the order optional agents receive them: markup, every
 * formula start a spreadsheet honours (`=`, `+`, `-`, `@`, tab) and the ones it honours after
 * trimming or folding (leading space, NBSP, zero-width space, fullwidth `＝`), CSV delimiters and
 * quotes, and line breaks. None holds `/` (it is a folder name).
 */
export const AWKWARD_AGENT_NAMES: readonly string[] = [
  "<script>alert(1)<script>",
  "+cmd|' -C calc'!A0",
  "-2+3-agent",
  "@SUM(1+1)",
  " leading-space-bot",
  '＝HYPERLINK("http:x","ok")',
  "\u200b=zero-width-bot",
  "\u00a0=nbsp-bot",
  "comma,separated,bot",
  'quote"d-bot',
  "multi\nline-bot",
  "\t=tab-bot",
  "<img src=x onerror=alert(1)>",
  "crlf\r\n=bot",
  "semi;colon;bot",
];

/**
 * SSH command lines for `awkwardCommands`, by tier: scripts pasted with `\n` or `\r\n`, quoted
 * CSV, a line that starts a new CSV row with a formula (`"/x\n=cmd|' /C calc'!A0"`), a bare `\r`.
 */
export const AWKWARD_SSH: Readonly<Record<0 | 1 | 2 | 3 | 4, readonly string[]>> = {
  0: [
    "/x\n=cmd|' /C calc'!A0",
    "cat /tmp/report.csv\r\nhead -n 3 /tmp/report.csv",
    'echo "a, b"\necho \'c,"d"\'',
    "printf 'progress 10%%\\r'; echo done\r=1+1",
  ],
  1: ['sudo systemctl restart nginx\r\n=HYPERLINK("http://evil.example","ok")', "\n-2+3 && uptime"],
  2: [
    "cat <<'EOF' | sudo tee /etc/app/limits.csv\r\nservice,max\r\n\"payments, eu\",40\r\n+cmd|' /C calc'!A0,1\r\nEOF",
    "psql -c \"UPDATE flags SET on = true\nWHERE name = 'checkout, v2';\"",
  ],
  3: [
    'sudo -u postgres psql -c "COPY (SELECT email, name FROM users) TO STDOUT WITH CSV"\n@SUM(1+1)',
    ' =cmd|\' /C calc\'!A0\n"quoted", "cells"',
  ],
  4: ["sudo -i\r\n\u00a0=1+1", "\t=rm -rf /\n"],
};
