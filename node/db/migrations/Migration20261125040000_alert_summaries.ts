import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: alerts and supervision notices in the summary rows (federation/PROTOCOL.md,
 * "Summaries and rollups"; `rollup_summaries` is not an entity). Flow counts of the day (alerts
 * raised, notices issued, alerts accepted, rejected, revoked) and state counts of notices (open,
 * overdue, escalated). Rows stored before read 0, as rows sent without the counts do.
 */
const COLUMNS = [
  'alerts_raised', 'notices_issued', 'alerts_accepted', 'alerts_rejected', 'alerts_revoked',
  'notices_open', 'notices_overdue', 'notices_escalated',
];

export class Migration20261125040000_alert_summaries extends Migration {
  override name = 'Migration20261125040000_alert_summaries';

  override up(): void {
    this.addSql(`alter table "rollup_summaries" ${COLUMNS.map((column) => `add column "${column}" int not null default 0`).join(', ')};`);
  }

  override down(): void {
    this.addSql(`alter table "rollup_summaries" ${COLUMNS.map((column) => `drop column if exists "${column}"`).join(', ')};`);
  }
}
