/**
 * Operations on the in-memory help desk: what the six upstream tools actually do.
 * Each `HelpDesk` owns its own copy of the seed data, so a test can start from a clean slate.
 *
 * @module
 */
import { seedTickets } from './tickets.mjs';

/**
 * @typedef {import('./tickets.mjs').Ticket} Ticket
 * @typedef {import('./tickets.mjs').Requester} Requester
 * @typedef {{ priority?: import('./tickets.mjs').TicketPriority, impact?: number,
 *             status?: import('./tickets.mjs').TicketStatus, comment?: string }} TicketUpdate
 */

/** Raised for a request that names something the help desk does not hold. */
export class NotFoundError extends Error {}

/** The data set plus the operations the upstream tools expose. */
export class HelpDesk {
  /** @type {Ticket[]} */
  tickets = seedTickets();

  /**
   * Case-insensitive search over subject, description, tags and requester name/email.
   * An empty query (or `*`) matches every ticket.
   * @param {string} query
   * @param {number} limit
   * @returns {Ticket[]}
   */
  search(query, limit) {
    const needle = query.trim().toLowerCase();
    const matches = this.tickets.filter((t) => {
      if (needle === '' || needle === '*') return true;
      const haystack = [t.subject, t.description, ...t.tags, t.requester.name, t.requester.email]
        .join('\n')
        .toLowerCase();
      return haystack.includes(needle);
    });
    return matches.slice(0, limit);
  }

  /**
   * @param {number} id
   * @returns {Ticket}
   */
  get(id) {
    const found = this.tickets.find((t) => t.id === id);
    if (!found) throw new NotFoundError(`ticket ${id} not found`);
    return found;
  }

  /**
   * Applies the given fields and appends the comment (if any) as an agent comment.
   * @param {number} id
   * @param {TicketUpdate} update
   * @param {string} now ISO timestamp for the comment
   * @returns {{ ticket: Ticket, updated_fields: string[] }}
   */
  update(id, update, now) {
    const t = this.get(id);
    /** @type {string[]} */
    const updated = [];
    if (update.priority !== undefined) { t.priority = update.priority; updated.push('priority'); }
    if (update.impact !== undefined) { t.impact = update.impact; updated.push('impact'); }
    if (update.status !== undefined) { t.status = update.status; updated.push('status'); }
    if (update.comment !== undefined) {
      t.comments.push({ author: 'agent:api', body: update.comment, created_at: now });
      updated.push('comment');
    }
    return { ticket: t, updated_fields: updated };
  }

  /**
   * Deletes a user: every ticket they requested goes with them (the destructive behaviour
   * the policy is supposed to stop before it reaches here).
   * @param {string} userId
   * @returns {{ deleted: boolean, user_id: string, tickets_deleted: number }}
   */
  deleteUser(userId) {
    const before = this.tickets.length;
    this.tickets = this.tickets.filter((t) => t.requester.id !== userId);
    const removed = before - this.tickets.length;
    if (removed === 0) throw new NotFoundError(`user ${userId} not found`);
    return { deleted: true, user_id: userId, tickets_deleted: removed };
  }

  /** @returns {Requester[]} every distinct requester, in first-seen order */
  users() {
    /** @type {Map<string, Requester>} */
    const byId = new Map();
    for (const t of this.tickets) if (!byId.has(t.requester.id)) byId.set(t.requester.id, t.requester);
    return [...byId.values()];
  }

  /**
   * Removes every ticket.
   * @returns {{ purged: number }}
   */
  purge() {
    const purged = this.tickets.length;
    this.tickets = [];
    return { purged };
  }
}
