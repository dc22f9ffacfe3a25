import { describe, expect, it } from 'vitest';
import { readProblem } from './problem.ts';

describe("readProblem finds the provider's code and message", () => {
  it.each([
    ['Okta', { errorCode: 'E0000006', errorSummary: 'You do not have permission', errorCauses: [] }, { code: 'E0000006', message: 'You do not have permission' }],
    ['GitHub', { message: 'Must have admin rights to Repository.', documentation_url: 'https://docs.github.com' }, { message: 'Must have admin rights to Repository.' }],
    ['OAuth 2.0', { error: 'invalid_client', error_description: 'Client authentication failed' }, { code: 'invalid_client', message: 'Client authentication failed' }],
    ['Google', { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } }, { code: '403', message: 'The caller does not have permission' }],
    ['RFC 9457', { type: 'https://example.com/probs/plan', title: 'Plan required', detail: 'Audit logs need Enterprise' }, { code: 'https://example.com/probs/plan', message: 'Audit logs need Enterprise' }],
    ['Jira', { errorMessages: [], errors: [{ code: 'FORBIDDEN', message: 'No browse permission' }] }, { code: 'FORBIDDEN', message: 'No browse permission' }],
    ['plain text', 'Service Unavailable', { message: 'Service Unavailable' }],
    ['nothing useful', { ok: false }, {}],
  ])('%s', (_name, body, expected) => {
    expect(readProblem(body)).toEqual(expected);
  });
});
