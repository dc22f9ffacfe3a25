/**
 * Detections over one CloudTrail record, in the shape CloudTrail writes it (the connector stores
 * it whole as `cloudTrailEvent`). A request that failed (errorCode set) changed nothing, so it
 * never matches: the detections report what happened, not what was tried.
 */
import { obj, str, type Match } from './match.ts';

export type CloudTrailRecord = Record<string, unknown>;

const ADMIN_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

function actorOf(r: CloudTrailRecord): string | null {
  const id = obj(r.userIdentity);
  return str(id.arn) ?? str(id.userName) ?? str(id.principalId) ?? str(id.type);
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/**
 * Does a PutEventSelectors request still record write management events? Basic selectors do when
 * one includes management events and is not ReadOnly; advanced selectors when one selects
 * `eventCategory = Management` without restricting it to read-only calls. Without either, the
 * changes an attacker makes next are no longer logged.
 */
export function selectorsLogManagementWrites(params: Record<string, unknown>): boolean {
  const basic = asList(params.eventSelectors).map(obj);
  const advanced = asList(params.advancedEventSelectors).map(obj);
  if (basic.length === 0 && advanced.length === 0) return true;
  if (basic.some((s) => s.includeManagementEvents !== false && str(s.readWriteType) !== 'ReadOnly')) return true;
  return advanced.some((s) => {
    const fields = asList(s.fieldSelectors).map(obj);
    const management = fields.some((f) => str(f.field) === 'eventCategory' && asList(f.equals).includes('Management'));
    const readOnly = fields.some((f) => str(f.field) === 'readOnly' && asList(f.equals).some((v) => v === 'true' || v === true));
    return management && !readOnly;
  });
}

/** Does a policy document allow every action on every resource? */
export function grantsEverything(document: unknown): boolean {
  let doc: unknown = document;
  if (typeof doc === 'string') {
    try {
      // CloudTrail records inline policies as the JSON text the caller sent, sometimes URL-encoded.
      doc = JSON.parse(doc.trimStart().startsWith('%7B') ? decodeURIComponent(doc) : doc);
    } catch {
      return false;
    }
  }
  return asList(obj(doc).Statement)
    .map(obj)
    .some((s) => str(s.Effect) === 'Allow' && asList(s.Action).some((a) => a === '*' || a === '*:*') && asList(s.Resource).includes('*'));
}

export function matchCloudTrail(r: CloudTrailRecord): Match[] {
  if (str(r.errorCode)) return [];
  const name = str(r.eventName) ?? '';
  const source = str(r.eventSource) ?? '';
  const p = obj(r.requestParameters);
  const actor = actorOf(r);
  const by = actor ?? 'an unknown principal';
  const region = str(r.awsRegion) ?? 'an unknown region';

  if (source === 'cloudtrail.amazonaws.com') {
    const trail = str(p.name) ?? str(p.trailName);
    const t = trail ?? 'a trail';
    const base = { detection: 'logging-stopped' as const, actor, subject: trail };
    const restart = `Find out from ${by} why; if it was not an approved change, treat the account as compromised, and restore the trail now (StartLogging / recreate it, multi-region, management events All).`;
    if (name === 'StopLogging') return [{ ...base, reason: `${by} stopped logging on CloudTrail trail ${t} in ${region}`, remediation: restart }];
    if (name === 'DeleteTrail') return [{ ...base, reason: `${by} deleted CloudTrail trail ${t} in ${region}`, remediation: restart }];
    if (name === 'UpdateTrail') {
      const narrowed = [
        ...(p.isMultiRegionTrail === false ? ['it now records one region only'] : []),
        ...(p.includeGlobalServiceEvents === false ? ['it no longer records global-service (IAM, STS) events'] : []),
      ];
      if (narrowed.length) return [{ ...base, reason: `${by} updated CloudTrail trail ${t} in ${region}: ${narrowed.join(' and ')}`, remediation: restart }];
    }
    if (name === 'PutEventSelectors' && !selectorsLogManagementWrites(p)) {
      return [{ ...base, reason: `${by} changed the event selectors of CloudTrail trail ${t} in ${region} so that write management events are no longer recorded`, remediation: restart }];
    }
    return [];
  }

  if (source !== 'iam.amazonaws.com') return [];
  if (name === 'DeactivateMFADevice' || name === 'DeleteVirtualMFADevice') {
    const user = str(p.userName);
    const device = str(p.serialNumber);
    const what = name === 'DeactivateMFADevice' ? `deactivated MFA device ${device ?? ''} of IAM user ${user ?? 'unknown'}` : `deleted virtual MFA device ${device ?? 'unknown'}`;
    return [
      {
        detection: 'mfa-removed',
        actor,
        subject: user ?? device,
        reason: `${by} ${what.replace(/\s+/g, ' ')}`,
        remediation: `Confirm with ${user ?? 'the device owner'} that the device was lost or replaced; have a new MFA device enrolled today, and if nobody asked for this, disable the user's credentials and investigate ${by}.`,
      },
    ];
  }
  const attach = /^Attach(User|Role|Group)Policy$/.exec(name);
  if (attach && ADMIN_POLICY.test(str(p.policyArn) ?? '')) {
    const kind = attach[1]!.toLowerCase();
    const who = str(p[`${kind}Name`]) ?? 'unknown';
    return [
      {
        detection: 'admin-granted',
        actor,
        subject: `${kind}/${who}`,
        reason: `${by} attached AdministratorAccess to IAM ${kind} ${who}`,
        remediation: `Check that granting full administrator rights to ${kind} ${who} was approved; if not, detach the policy and review what ${who} did since.`,
      },
    ];
  }
  const put = /^Put(User|Role|Group)Policy$/.exec(name);
  if (put && grantsEverything(p.policyDocument)) {
    const kind = put[1]!.toLowerCase();
    const who = str(p[`${kind}Name`]) ?? 'unknown';
    return [
      {
        detection: 'admin-granted',
        actor,
        subject: `${kind}/${who}`,
        reason: `${by} put inline policy ${str(p.policyName) ?? ''} allowing every action on every resource on IAM ${kind} ${who}`.replace(/\s+/g, ' '),
        remediation: `Check that full administrator rights for ${kind} ${who} were approved; if not, delete the inline policy and review what ${who} did since.`,
      },
    ];
  }
  return [];
}
