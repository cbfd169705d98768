/**
 * The in-memory help desk behind the example upstream: twenty Zendesk-like tickets whose
 * requesters carry an email and a phone number, and whose descriptions sometimes repeat a
 * phone number in free text. That is the personal data the Talon policy in front of this
 * server is meant to redact.
 *
 * All names, emails (example.com/.org/.net) and phone numbers are invented.
 *
 * @module
 */

/**
 * @typedef {{ id: string, name: string, email: string, phone: string }} Requester
 * @typedef {{ author: string, body: string, created_at: string }} Comment
 * @typedef {'new' | 'open' | 'pending' | 'solved' | 'closed'} TicketStatus
 * @typedef {'low' | 'normal' | 'high' | 'urgent'} TicketPriority
 * @typedef {{
 *   id: number,
 *   subject: string,
 *   status: TicketStatus,
 *   priority: TicketPriority,
 *   impact: number,
 *   description: string,
 *   tags: string[],
 *   created_at: string,
 *   requester: Requester,
 *   comments: Comment[],
 * }} Ticket
 */

/** Ticket statuses, in workflow order. */
export const STATUSES = /** @type {const} */ (['new', 'open', 'pending', 'solved', 'closed']);
/** Ticket priorities, lowest first. */
export const PRIORITIES = /** @type {const} */ (['low', 'normal', 'high', 'urgent']);

/** @type {Requester[]} */
const REQUESTERS = [
  { id: 'u-1001', name: 'Lucía Fernández', email: 'lucia.fernandez@example.com', phone: '+34 612 345 789' },
  { id: 'u-1002', name: 'Marc Dubois', email: 'marc.dubois@example.org', phone: '+33 6 12 34 56 78' },
  { id: 'u-1003', name: 'Anna Schmidt', email: 'anna.schmidt@example.net', phone: '+49 151 2345 6789' },
  { id: 'u-1004', name: 'Jordi Puig', email: 'customer@example.com', phone: '+34 699 111 222' },
  { id: 'u-1005', name: 'Giulia Rossi', email: 'giulia.rossi@example.com', phone: '+39 347 123 4567' },
  { id: 'u-1006', name: 'Sven Larsson', email: 'sven.larsson@example.org', phone: '+46 70 123 45 67' },
  { id: 'u-1007', name: 'Aoife Byrne', email: 'aoife.byrne@example.net', phone: '+353 87 123 4567' },
  { id: 'u-1008', name: 'Pieter de Vries', email: 'pieter.devries@example.com', phone: '+31 6 1234 5678' },
];

/**
 * Builds one ticket. The requester object is copied so that updates to one ticket never
 * leak into another.
 * @param {number} id
 * @param {number} requester index into REQUESTERS
 * @param {Omit<Ticket, 'id' | 'requester' | 'comments'> & { comments?: Comment[] }} fields
 * @returns {Ticket}
 */
function ticket(id, requester, fields) {
  return { id, ...fields, requester: { ...REQUESTERS[requester] }, comments: fields.comments ?? [] };
}

/** @returns {Ticket[]} a fresh copy of the seed data set */
export function seedTickets() {
  return [
    ticket(45231, 3, {
      subject: 'eSIM activation issue', status: 'open', priority: 'high', impact: 120,
      description: 'The eSIM QR code fails with error 0x51. Please call me back at +34 699111222 after 18:00.',
      tags: ['esim', 'activation', 'mobile'], created_at: '2025-03-03T09:14:00Z',
    }),
    ticket(45232, 0, {
      subject: 'Roaming charges on March invoice', status: 'pending', priority: 'normal', impact: 86,
      description: 'I was charged roaming in Portugal although my plan includes EU roaming.',
      tags: ['billing', 'roaming'], created_at: '2025-03-03T10:02:00Z',
    }),
    ticket(45233, 1, {
      subject: 'Fibre outage in Lyon 3e', status: 'open', priority: 'urgent', impact: 2400,
      description: 'No connectivity since 07:30 for our whole office. Reach me on my mobile 0612345678.',
      tags: ['outage', 'fibre', 'b2b'], created_at: '2025-03-03T07:41:00Z',
    }),
    ticket(45234, 2, {
      subject: 'Cannot port my number', status: 'new', priority: 'normal', impact: 0,
      description: 'Porting request rejected twice, the old provider says the PUK does not match.',
      tags: ['porting'], created_at: '2025-03-04T08:20:00Z',
    }),
    ticket(45235, 4, {
      subject: 'Router keeps rebooting', status: 'open', priority: 'normal', impact: 0,
      description: 'The router reboots every 20 minutes. Firmware 4.2.1. My landline is +39 0612345678.',
      tags: ['hardware', 'router'], created_at: '2025-03-04T11:45:00Z',
    }),
    ticket(45236, 5, {
      subject: 'Refund for double charge', status: 'pending', priority: 'high', impact: 640,
      description: 'Card charged twice for the annual plan (2 x 320 EUR).',
      tags: ['billing', 'refund'], created_at: '2025-03-04T13:05:00Z',
    }),
    ticket(45237, 6, {
      subject: 'eSIM transfer to new phone', status: 'solved', priority: 'low', impact: 0,
      description: 'Moved to a new phone, need the eSIM transferred.',
      tags: ['esim', 'mobile'], created_at: '2025-03-05T09:00:00Z',
      comments: [{ author: 'agent:maria', body: 'New QR code sent by email.', created_at: '2025-03-05T10:12:00Z' }],
    }),
    ticket(45238, 7, {
      subject: 'GDPR data access request', status: 'open', priority: 'high', impact: 0,
      description: 'Under Art. 15 GDPR I request a copy of all personal data you hold about me.',
      tags: ['privacy', 'gdpr'], created_at: '2025-03-05T14:30:00Z',
    }),
    ticket(45239, 0, {
      subject: 'Upgrade to 1 Gbps plan', status: 'new', priority: 'low', impact: 0,
      description: 'Interested in upgrading; call +34612345789 on weekdays.',
      tags: ['sales', 'fibre'], created_at: '2025-03-06T08:10:00Z',
    }),
    ticket(45240, 1, {
      subject: 'Static IP for office', status: 'pending', priority: 'normal', impact: 300,
      description: 'We need a static IPv4 address for our VPN concentrator.',
      tags: ['b2b', 'network'], created_at: '2025-03-06T09:25:00Z',
    }),
    ticket(45241, 2, {
      subject: 'Voicemail PIN reset', status: 'solved', priority: 'low', impact: 0,
      description: 'Forgot my voicemail PIN.',
      tags: ['mobile', 'voicemail'], created_at: '2025-03-06T12:00:00Z',
    }),
    ticket(45242, 3, {
      subject: 'SIM blocked after three wrong PINs', status: 'open', priority: 'high', impact: 0,
      description: 'SIM is PUK-locked. Second number to reach me: +34 611222333.',
      tags: ['mobile', 'sim'], created_at: '2025-03-07T07:55:00Z',
    }),
    ticket(45243, 4, {
      subject: 'TV channels missing', status: 'new', priority: 'normal', impact: 0,
      description: 'Sports package channels disappeared after the update.',
      tags: ['tv'], created_at: '2025-03-07T19:40:00Z',
    }),
    ticket(45244, 5, {
      subject: 'Contract cancellation', status: 'pending', priority: 'normal', impact: 180,
      description: 'Moving abroad, please cancel the contract at the end of the month.',
      tags: ['contract', 'churn'], created_at: '2025-03-08T10:15:00Z',
    }),
    ticket(45245, 6, {
      subject: 'Slow mobile data in Dublin city centre', status: 'open', priority: 'normal', impact: 0,
      description: 'Speed tests show under 1 Mbps around Grafton Street.',
      tags: ['mobile', 'coverage'], created_at: '2025-03-08T16:20:00Z',
    }),
    ticket(45246, 7, {
      subject: 'Invoice address change', status: 'solved', priority: 'low', impact: 0,
      description: 'Please update the billing address to our new office in Utrecht.',
      tags: ['billing'], created_at: '2025-03-09T09:30:00Z',
    }),
    ticket(45247, 0, {
      subject: 'Fraudulent SIM swap', status: 'open', priority: 'urgent', impact: 5200,
      description: 'Someone swapped my SIM and emptied my bank account. My new number is +34 622 987 654.',
      tags: ['fraud', 'security', 'sim'], created_at: '2025-03-10T06:05:00Z',
    }),
    ticket(45248, 1, {
      subject: 'Business line porting schedule', status: 'new', priority: 'high', impact: 900,
      description: 'We need the 20 lines ported over a weekend to avoid downtime.',
      tags: ['b2b', 'porting'], created_at: '2025-03-10T11:11:00Z',
    }),
    ticket(45249, 2, {
      subject: 'Wrong name on contract', status: 'pending', priority: 'low', impact: 0,
      description: 'My surname is misspelled on the contract PDF.',
      tags: ['contract'], created_at: '2025-03-11T15:45:00Z',
    }),
    ticket(45250, 3, {
      subject: 'eSIM not showing after iOS update', status: 'new', priority: 'normal', impact: 0,
      description: 'After updating to iOS 18.3 the eSIM line vanished. Call 699111222 if needed.',
      tags: ['esim', 'mobile'], created_at: '2025-03-12T08:30:00Z',
    }),
  ];
}
