import type { NotificationLocale } from '@cloudphone/contracts';
import type { EmailContent, EmailCopy } from './email-copy';

/** An email's three parts. */
export interface EmailParts {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/** Longest subject: a longer one is cut (some servers refuse very long header lines). */
const MAX_SUBJECT = 200;
/** Longest name in the greeting and the To header. */
const MAX_NAME = 100;
/** C0 controls (CR, LF, NUL, tab…), DEL and the Unicode line separators: nothing a header may hold. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f\u2028\u2029]+/g;

/** Text for an HTML text node or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/**
 * One line of plain text for a header or a greeting: control characters (CR, LF, NUL, tabs) become
 * spaces, runs of space collapse, and the result is cut to `max` characters.
 */
export function singleLine(value: string, max: number): string {
  const line = value.replace(CONTROL_CHARACTERS, ' ').replace(/ {2,}/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** A display name as the greeting and the To header use it. */
export function displayNameLine(displayName: string): string {
  return singleLine(displayName, MAX_NAME);
}

/**
 * Lays content out as plain text and simple HTML (inline styles only, as mail clients drop style
 * sheets). Every string is escaped here, once, so a template never writes markup.
 */
export function layoutEmail(
  content: EmailContent,
  copy: EmailCopy,
  displayName: string,
  locale: NotificationLocale,
): EmailParts {
  const subject = singleLine(content.subject, MAX_SUBJECT);
  const greeting = copy.greeting(displayNameLine(displayName));
  const closing = content.closing ?? [];
  const text = [
    greeting,
    ...content.paragraphs,
    ...(content.action ? [`${content.action.label}:\n${content.action.url}`] : []),
    ...closing,
    copy.signature,
    `-- \n${copy.footer}`,
  ].join('\n\n');
  const paragraph = (value: string) => `<p style="margin:0 0 16px">${escapeHtml(value)}</p>`;
  const action = content.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="background:#1a56db;color:#ffffff;` +
      `padding:10px 18px;border-radius:4px;text-decoration:none">${escapeHtml(content.action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:12px;color:#555555;word-break:break-all">${escapeHtml(content.action.url)}</p>`
    : '';
  const html =
    `<!DOCTYPE html><html lang="${escapeHtml(locale)}"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(subject)}</title></head>` +
    `<body style="margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#222222">` +
    paragraph(greeting) +
    content.paragraphs.map(paragraph).join('') +
    action +
    closing.map(paragraph).join('') +
    paragraph(copy.signature) +
    `<hr style="border:none;border-top:1px solid #dddddd;margin:24px 0">` +
    `<p style="margin:0;font-size:12px;color:#777777">${escapeHtml(copy.footer)}</p>` +
    `</body></html>`;
  return { subject, text, html };
}
