/**
 * Prowler's compliance tags (`unmapped.compliance` of its json-ocsf output) as Vigil requirement
 * refs. Prowler keys each framework as `<Framework>-<Version>` (or the framework alone) from its
 * compliance files, with requirement ids in its own spelling: `SOC2: ["cc_6_1"]`,
 * `ISO27001-2022: ["A.8.8"]`, `NIST-800-171-Revision-2: ["3_1_1"]`. The frameworks Vigil does not
 * carry (CIS, PCI, HIPAA, …) are left out.
 */

const soc2Id = (id: string): string | undefined => {
  const m = /^(cc|a|c|pi|p)_?(\d+)[._](\d+)$/i.exec(id.trim());
  return m ? `${m[1]!.toUpperCase()}${m[2]}.${m[3]}` : undefined;
};

const iso27001Id = (id: string): string | undefined => {
  const m = /^a[._]?(\d+)[._](\d+)$/i.exec(id.trim());
  return m ? `A.${m[1]}.${m[2]}` : undefined;
};

const nist171Id = (id: string): string | undefined => {
  const m = /^(3)[._](\d+)[._](\d+)$/.exec(id.trim());
  return m ? `${m[1]}.${m[2]}.${m[3]}` : undefined;
};

const frameworks: { key: RegExp; framework: string; id: (id: string) => string | undefined }[] = [
  { key: /^soc[-_ ]?2$/i, framework: 'soc2', id: soc2Id },
  { key: /^iso[-_ ]?27001[-_ ]2022$/i, framework: 'iso27001', id: iso27001Id },
  { key: /^nist[-_ ]800[-_ ]171([-_ ]rev(ision)?[-_ ]?2)?$/i, framework: 'nist-800-171', id: nist171Id },
];

/** `soc2:CC6.1`-style refs for the tags Vigil knows, sorted and unique. */
export function requirementRefs(compliance: Record<string, unknown> | undefined | null): string[] {
  const refs = new Set<string>();
  for (const [key, ids] of Object.entries(compliance ?? {})) {
    const f = frameworks.find((x) => x.key.test(key.trim()));
    if (!f || !Array.isArray(ids)) continue;
    for (const raw of ids) {
      const id = typeof raw === 'string' ? f.id(raw) : undefined;
      if (id) refs.add(`${f.framework}:${id}`);
    }
  }
  return [...refs].sort();
}
