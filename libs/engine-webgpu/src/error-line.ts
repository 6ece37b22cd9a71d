/** The first line of an error's message: what a one-line refusal quotes of a library's error. */
export const errorLine = (e: unknown): string => (e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e));
