/**
 * Alerts: kinds and payloads, channels (webhook, Slack, email), routing, the outbox and its
 * dispatcher. See README.md and docs/alerts.md.
 */
export { alertKinds, alertPayloads, parseAlert, alertKey, alertOwner, alertSeverity } from './alerts.ts';
export type { Alert, AlertInput, AlertKind, AlertPayload, AlertPayloadInput, FindingAlertPayload } from './alerts.ts';
export type { Channel, ChannelType, Delivery, DeliveryErrorDetails } from './channel.ts';
export { createWebhookChannel, signatureHeader, webhookBody, type WebhookBody } from './webhook.ts';
export { createSlackChannel, slackMessage, type SlackMessage } from './slack.ts';
export { createEmailChannel, emailMessage, recipientsFor } from './email.ts';
export { createChannels, closeChannels } from './channels.ts';
export { routeAlert } from './routing.ts';
export { createAlerter, type Alerter, type AlerterDeps, type RaisedDelivery } from './alerter.ts';
export { createOutboxRepo, type OutboxRepo } from './outbox.ts';
export { createDispatcher, type Dispatcher, type DispatcherDeps, type DeliveryOutcome, type RunStats } from './dispatcher.ts';
export { slaAtRiskAt, elapsedShare, digestPeriod } from './triggers.ts';
export { findingPath, sourcePath, vigilUrl } from './view.ts';
