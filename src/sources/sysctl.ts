/**
 * The ephemeral-port sysctls of the namespace this process runs in. /proc/sys/net always answers for
 * the reader's own network namespace (not PID's with --pid): run tcptally inside a namespace (ip netns
 * exec, nsenter -n) to read its settings.
 */

import { readFileSync } from 'node:fs';
import { portSettingsOf, type PortSettings } from '../model/sysctl.js';

export const IPV4_SYSCTL_DIR = '/proc/sys/net/ipv4';

function readOptional(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null;
  }
}

/** The settings, or null when ip_local_port_range cannot be read (no /proc, not Linux). */
export function readPortSettings(dir = IPV4_SYSCTL_DIR): PortSettings | null {
  return portSettingsOf({
    range: readOptional(`${dir}/ip_local_port_range`),
    reserved: readOptional(`${dir}/ip_local_reserved_ports`),
    twReuse: readOptional(`${dir}/tcp_tw_reuse`),
    finTimeout: readOptional(`${dir}/tcp_fin_timeout`),
  });
}
