/**
 * Error answers in each protocol's documented wire format: the query protocol's
 * `<ErrorResponse><Error>…`, EC2's `<Response><Errors><Error>…`, S3's bare `<Error>`, and JSON
 * 1.1's `{"__type", "message"}`.
 */
import type { AwsReply } from './aws-fixture-server.ts';

export const queryError = (status: number, code: string, message: string, ns = 'https://iam.amazonaws.com/doc/2010-05-08/'): AwsReply => ({
  status,
  body: `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>4f8e5a4c-EXAMPLE</RequestId></ErrorResponse>`,
});

export const stsError = (status: number, code: string, message: string) => queryError(status, code, message, 'https://sts.amazonaws.com/doc/2011-06-15/');

export const ec2Error = (status: number, code: string, message: string): AwsReply => ({
  status,
  body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>b25f4d2c-EXAMPLE</RequestID></Response>`,
});

export const s3Error = (status: number, code: string, message: string): AwsReply => ({
  status,
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>5XXBBG8YFPQ3WB0E</RequestId><HostId>cYk3SD9Jz0r8EXAMPLE=</HostId></Error>`,
});

export const jsonError = (status: number, type: string, message: string): AwsReply => ({ status, body: JSON.stringify({ __type: type, message }) });

export const denied = (action: string) =>
  `User: arn:aws:iam::123456789012:user/Alice is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
