import type { EmailCopy } from './email-copy';

/** German emails (formal address). */
export const DE_EMAIL_COPY: EmailCopy = {
  greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
  signature: 'Ihr Cloudphone-Team',
  footer:
    'Diese E-Mail wurde automatisch zu Ihrem Cloudphone-Konto versendet; Antworten werden nicht gelesen. ' +
    'Welche E-Mails Sie erhalten, wählen Sie in Ihren Benachrichtigungseinstellungen.',
  verifyEmail: ({ link, expiresAt }) => ({
    subject: 'Bestätigen Sie Ihre E-Mail-Adresse',
    paragraphs: [
      'Danke für Ihre Registrierung bei Cloudphone. Bestätigen Sie, dass dies Ihre Adresse ist, um Ihr Konto zu aktivieren.',
    ],
    action: { label: 'E-Mail-Adresse bestätigen', url: link },
    closing: [
      `Der Link funktioniert einmal, bis ${expiresAt}.`,
      'Wenn Sie sich nicht registriert haben, ignorieren Sie diese E-Mail: Ohne Bestätigung wird kein Konto aktiviert.',
    ],
  }),
  resetPassword: ({ link, expiresAt }) => ({
    subject: 'Setzen Sie Ihr Passwort zurück',
    paragraphs: [
      'Jemand, hoffentlich Sie, hat angefordert, das Passwort Ihres Cloudphone-Kontos zurückzusetzen.',
    ],
    action: { label: 'Neues Passwort wählen', url: link },
    closing: [
      `Der Link funktioniert einmal, bis ${expiresAt}.`,
      'Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.',
    ],
  }),
  passwordChanged: () => ({
    subject: 'Ihr Passwort wurde geändert',
    paragraphs: [
      'Das Passwort Ihres Cloudphone-Kontos wurde soeben geändert.',
      'Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort zurück.',
    ],
  }),
  lockedOut: ({ until }) => ({
    subject: 'Ihr Konto ist gesperrt',
    paragraphs: [
      `Zu viele fehlgeschlagene Anmeldeversuche haben Ihr Konto bis ${until} gesperrt.`,
      'Wenn diese Versuche nicht von Ihnen stammen, versucht möglicherweise jemand, Ihr Passwort zu erraten: ' +
        'Ändern Sie es, sobald Sie wieder angemeldet sind.',
    ],
  }),
  invoiceIssued: ({ number, month, charges, credits, closingBalance, due }) => ({
    subject: `Rechnung ${number} für ${month}`,
    paragraphs: [
      `Ihre Rechnung ${number} für ${month} ist fertig.`,
      `Belastungen: ${charges}. Gutschriften: ${credits}. Schlusssaldo: ${closingBalance}.`,
      due
        ? `${due.amount} sind bis ${due.by} fällig: Laden Sie Ihr Guthaben auf, um die Rechnung zu begleichen.`
        : 'Es ist nichts fällig.',
    ],
  }),
  paymentSucceeded: ({ charged, credited, balance }) => ({
    subject: 'Zahlung eingegangen',
    paragraphs: [
      credited
        ? `Ihre Zahlung über ${charged} ist eingegangen; gutgeschrieben wurden ${credited} (Gutschein eingelöst).`
        : `Ihre Zahlung über ${charged} ist eingegangen.`,
      `Ihr Guthaben beträgt jetzt ${balance}.`,
    ],
  }),
  balanceLow: ({ balance, threshold }) => ({
    subject: 'Ihr Guthaben ist niedrig',
    paragraphs: [
      `Ihr Guthaben beträgt ${balance} und liegt unter Ihrer Warnschwelle von ${threshold}.`,
      'Laden Sie es auf, damit Ihre Geräte weiterlaufen.',
    ],
  }),
  // The inbox texts exist in English only; the frame around them is German.
  generic: ({ title, body }) => ({ subject: title, paragraphs: body.split(/\r?\n/) }),
};
