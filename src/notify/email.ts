/**
 * Email over SMTP (nodemailer): plain text plus a simple HTML part, the subject carrying severity
 * and title. The Message-ID is derived from the delivery id, so a retry after a crash is the same
 * message to mail software. SMTP reply codes are the reverse of HTTP's habit: 4xx is transient
 * (retried), 5xx is permanent (recorded as failed).
 */
import nodemailer from 'nodemailer';
import type { AlertChannelConfig } from '../core/config/schema.ts';
import { VigilError } from '../lib/errors.ts';
import { alertOwner } from './alerts.ts';
import { channelWhere, deliveryError, type Channel, type Delivery } from './channel.ts';
import { viewOf } from './view.ts';

export type EmailChannelConfig = Extract<AlertChannelConfig, { type: 'email' }>;

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

const looksLikeEmail = (s: string) => /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(s);

/** Who gets this delivery: the channel's list, plus the owner when toOwner is set and it is an address. */
export function recipientsFor(cfg: EmailChannelConfig, owner: string | null): string[] {
  const all = [...cfg.to];
  if (cfg.toOwner && owner && looksLikeEmail(owner)) all.push(owner);
  return [...new Set(all.map((a) => a.toLowerCase()))];
}

const escHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function emailMessage(delivery: Delivery, publicUrl?: string): EmailMessage {
  const v = viewOf(delivery.alert, publicUrl);
  const tag = v.severity ? `[${v.severity.toUpperCase()}] ` : '';
  // Header injection is not possible through nodemailer, but a title with a line break would
  // still fold oddly: keep the subject one line.
  const subject = `[Vigil] ${tag}${v.title}`.replace(/\s+/g, ' ').slice(0, 200);
  const footer = `Vigil · ${delivery.alert.kind} · ${delivery.id}`;

  const text = [
    `${tag}${v.title}`,
    '',
    `${v.summaryLabel}: ${v.summary}`,
    '',
    ...v.facts.map((f) => `${f.label}: ${f.value}`),
    ...(v.details ? ['', v.details] : []),
    ...(v.items?.length ? ['', ...v.items.map((i) => `- ${i}`)] : []),
    ...(v.link ? ['', `${v.link.label}: ${v.link.url}`] : []),
    '',
    `-- ${footer}`,
    '',
  ].join('\n');

  const rows = v.facts
    .map((f) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escHtml(f.label)}</th><td>${escHtml(f.value)}</td></tr>`)
    .join('');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;font-size:14px">',
    `<h2 style="margin:0 0 12px">${escHtml(`${tag}${v.title}`)}</h2>`,
    `<p><strong>${escHtml(v.summaryLabel)}:</strong> ${escHtml(v.summary)}</p>`,
    `<table>${rows}</table>`,
    v.details ? `<p>${escHtml(v.details)}</p>` : '',
    v.items?.length ? `<ul>${v.items.map((i) => `<li>${escHtml(i)}</li>`).join('')}</ul>` : '',
    v.link ? `<p><a href="${escHtml(v.link.url)}">${escHtml(v.link.label)}</a></p>` : '',
    `<p style="color:#777;font-size:12px">${escHtml(footer)}</p>`,
    '</body></html>',
  ].join('');
  return { subject, text, html };
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

const NETWORK = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'ETLS']);

export function createEmailChannel(cfg: EmailChannelConfig, options: { publicUrl?: string | undefined } = {}): Channel {
  const where = channelWhere(cfg.name);
  const server = `${cfg.smtp.host}:${cfg.smtp.port}`;
  const label = `email channel "${cfg.name}"`;
  const transport = nodemailer.createTransport({
    host: cfg.smtp.host,
    port: cfg.smtp.port,
    secure: cfg.smtp.secure,
    ...(cfg.smtp.user ? { auth: { user: cfg.smtp.user, pass: cfg.smtp.password ?? '' } } : {}),
    connectionTimeout: cfg.timeoutMs,
    greetingTimeout: cfg.timeoutMs,
    socketTimeout: cfg.timeoutMs,
  });
  const fromDomain = /@([^\s>]+)/.exec(cfg.from)?.[1] ?? 'vigil.invalid';
  // timeoutMs bounds each SMTP step (connect, greeting, every reply); a whole send gets three
  // times that, so the dispatcher's lease can be sized against one number.
  const deadlineMs = cfg.timeoutMs * 3;

  function classify(e: SmtpError) {
    const reply = e.response ? `: ${e.response.replace(/\s+/g, ' ').slice(0, 300)}` : '';
    if (e.code === 'EAUTH') {
      // 454 is "temporary authentication failure"; 535 and the rest mean the credentials are wrong.
      const transient = e.responseCode !== undefined && e.responseCode < 500;
      return deliveryError('AuthFailed', `${label}: ${server} refused the login${reply}`, {
        retryable: transient,
        ...(e.responseCode ? { status: e.responseCode } : {}),
      }, { where, hint: 'check smtp.user and smtp.password' });
    }
    if (e.code && NETWORK.has(e.code) && !e.responseCode) {
      return deliveryError('Unreachable', `${label}: could not talk to ${server} (${e.code}: ${e.message})`, { retryable: true }, {
        where,
        hint: 'is the SMTP server running and reachable (host, port, secure)?',
      });
    }
    const code = e.responseCode;
    return deliveryError('ProviderError', `${label}: ${server} did not accept the message${reply || `: ${e.message}`}`, {
      retryable: code === undefined || code < 500,
      ...(code ? { status: code } : {}),
    }, { where });
  }

  return {
    name: cfg.name,
    type: 'email',
    timeoutMs: deadlineMs,
    async send(delivery: Delivery) {
      const to = recipientsFor(cfg, alertOwner(delivery.alert));
      if (to.length === 0) {
        throw deliveryError('InvalidInput', `${label}: no recipient (to is empty and the owner is not an email address)`, {
          retryable: false,
        }, { where, hint: 'add addresses to "to", or make owners email addresses' });
      }
      const m = emailMessage(delivery, options.publicUrl);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(deliveryError('Unreachable', `${label}: ${server} did not finish within ${deadlineMs} ms`, { retryable: true }, { where })),
          deadlineMs,
        );
      });
      try {
        const sending = transport.sendMail({
          from: cfg.from,
          to,
          subject: m.subject,
          text: m.text,
          html: m.html,
          messageId: `<${delivery.id}@${fromDomain}>`,
          headers: { 'X-Vigil-Delivery-Id': delivery.id, 'X-Vigil-Event': delivery.alert.kind },
        });
        // A send that loses the race may still finish: a second copy then carries the same Message-ID.
        sending.catch(() => {});
        await Promise.race([sending, deadline]);
      } catch (e) {
        throw e instanceof VigilError ? e : classify(e as SmtpError);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      transport.close();
    },
  };
}
