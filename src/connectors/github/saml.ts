/**
 * SAML single sign-on identities: which identity-provider user (NameID, usually the work email)
 * each GitHub login signed in as. Only the GraphQL API has them
 * (`organization.samlIdentityProvider.externalIdentities`); the REST API has no member emails.
 * Anything that stops us reading them is a recorded gap, never a failed member listing: the
 * members themselves are still known.
 */
import { VigilError, isVigilError } from '../../lib/errors.ts';
import { githubHeaders, graphqlUrl, type Ctx } from './api.ts';

export const SAML_QUERY = `query($org: String!, $after: String) {
  organization(login: $org) {
    samlIdentityProvider {
      externalIdentities(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { samlIdentity { nameId } user { login } }
      }
    }
  }
}`;

interface SamlPage {
  data?: {
    organization: null | {
      samlIdentityProvider: null | {
        externalIdentities: {
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          nodes: { samlIdentity: { nameId: string | null } | null; user: { login: string } | null }[];
        };
      };
    };
  };
  errors?: { type?: string; message: string }[];
}

const WHAT = 'github.members.email';
const maxPages = 1000;

/** Lower-cased login → SAML NameID; empty when SSO is off or the identities cannot be read. */
export async function samlIdentities(ctx: Ctx): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const url = graphqlUrl(ctx);
  let after: string | null = null;
  for (let page = 1; page <= maxPages; page++) {
    let body: SamlPage;
    try {
      body = (await ctx.http.request<SamlPage>(url, { method: 'POST', json: { query: SAML_QUERY, variables: { org: ctx.config.org, after } }, headers: githubHeaders, retry: true })).body;
    } catch (e) {
      if (isVigilError(e) && (e._tag === 'PermissionDenied' || e._tag === 'NotFound')) {
        ctx.permissionMissing(WHAT, `cannot read SAML identities through ${url.pathname}: ${e.message}`);
        return out;
      }
      throw e;
    }
    if (body?.errors?.length) {
      // GraphQL answers 200 with errors: FORBIDDEN for a non-owner, others for plans without SSO.
      ctx.permissionMissing(WHAT, `GitHub's GraphQL API refused the SAML identities: ${body.errors.map((x) => x.message).join('; ')}`);
      return out;
    }
    const provider = body?.data?.organization?.samlIdentityProvider;
    if (body?.data?.organization === undefined || body.data.organization === null) {
      throw new VigilError('ProviderError', `POST ${url.pathname}: the answer has no organization ${ctx.config.org}`, {
        hint: 'check the org in the source config',
      });
    }
    if (!provider) {
      ctx.notApplicable(WHAT, 'the organization does not use SAML single sign-on, so GitHub links no member to an identity-provider account');
      return out;
    }
    const { nodes, pageInfo } = provider.externalIdentities;
    for (const n of nodes) if (n.user && n.samlIdentity?.nameId) out.set(n.user.login.toLowerCase(), n.samlIdentity.nameId);
    if (!pageInfo.hasNextPage || !pageInfo.endCursor || pageInfo.endCursor === after) return out;
    after = pageInfo.endCursor;
  }
  throw new VigilError('ProviderError', `POST ${url.pathname}: still more SAML identities after ${maxPages} pages; stopped`, {
    hint: 'this looks like a provider bug; please report it',
  });
}
