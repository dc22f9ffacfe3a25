import { CLOUDTRAIL_EVENTS, defineDetection } from './check.ts';

export const loggingStopped = defineDetection({
  detection: 'logging-stopped',
  title: 'Alert when cloud audit logging is stopped or narrowed',
  description:
    'Each CloudTrail StopLogging or DeleteTrail, each UpdateTrail that drops other regions or global-service events, and each PutEventSelectors that stops recording write management events is a failure.',
  area: 'logging',
  controls: ['LOG-01', 'LOG-05'],
  severity: 'critical',
  streams: [CLOUDTRAIL_EVENTS],
});
