/** The config file of each kind of run directory (a search's predates the training's name and stays for old runs). */
export const CONFIG_FILES = { search: 'run-config.json', train: 'config.json' } as const;
