/** The rules file: $XDG_CONFIG_HOME/tcptally/config, else ~/.config/tcptally/config (see parseRulesConfig). */

import { readFileSync } from 'node:fs';
import { parseRulesConfig, type Rule } from '../model/rules.js';
import { describeErrno } from './types.js';

/** The rules file exists but cannot be read (another user's HOME, a directory): not a bad line. */
export class ConfigUnreadable extends Error {
  constructor(readonly path: string, err: unknown) {
    super(`cannot read the rules file ${path}: ${describeErrno(err)}`);
    this.name = 'ConfigUnreadable';
  }
}

/** Where the rules file is (null: neither XDG_CONFIG_HOME nor HOME is set). */
export function configPath(env: NodeJS.ProcessEnv): string | null {
  if (env.XDG_CONFIG_HOME) return `${env.XDG_CONFIG_HOME}/tcptally/config`;
  return env.HOME ? `${env.HOME}/.config/tcptally/config` : null;
}

/** The config file's rules; none when it does not exist; a ConfigError for a bad line, ConfigUnreadable when it cannot be read. */
export function loadConfigRules(env: NodeJS.ProcessEnv): Rule[] {
  const path = configPath(env);
  if (!path) return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigUnreadable(path, err);
  }
  return parseRulesConfig(text);
}
