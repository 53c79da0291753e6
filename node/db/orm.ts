/**
 * MikroORM wiring: the explicit entity list, migrations committed beside it, and the one place a
 * node opens and migrates its database.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { Department } from '../catalog/department.entity.ts';
import { Item } from '../catalog/item.entity.ts';
import { CalendarYearRecord } from '../calendar/calendar-year.entity.ts';
import { TimePolicyRecord } from '../timelimits/time-policy.entity.ts';
import { CaseEventRecord } from '../cases/case-event.entity.ts';
import { CaseState } from '../cases/case-state.entity.ts';
import { Rejection } from '../cases/rejection.entity.ts';
import { ImportJob } from '../imports/import-job.entity.ts';
import { Alert } from '../supervision/alert.entity.ts';
import { AlertTransition } from '../supervision/alert-transition.entity.ts';
import { Accountability } from '../supervision/accountability.entity.ts';
import { NoticeCounter } from '../supervision/notice-counter.entity.ts';
import { SweepSchedule } from '../supervision/sweep-schedule.entity.ts';
import { DepartmentContact } from '../notify/department-contact.entity.ts';
import { Notification } from '../notify/notification.entity.ts';
import { NotificationAttempt } from '../notify/notification-attempt.entity.ts';
import { User } from '../access/user.entity.ts';
import { Session } from '../access/session.entity.ts';
import { SpentRefreshToken } from '../access/spent-refresh-token.entity.ts';
import { ApiClient } from '../access/api-client.entity.ts';

export const ENTITIES = [
  Department, Item, CalendarYearRecord, TimePolicyRecord, CaseEventRecord, CaseState, Rejection, ImportJob,
  Alert, AlertTransition, Accountability, NoticeCounter, SweepSchedule, DepartmentContact, Notification, NotificationAttempt,
  User, Session, SpentRefreshToken, ApiClient,
];

const MIGRATIONS_PATH = new URL('./migrations', import.meta.url).pathname;

/** Opens the ORM on `databaseUrl` without touching the schema. */
export async function openOrm(databaseUrl: string, options: { poolMax?: number } = {}): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    pool: { min: 0, max: options.poolMax ?? 10 },
    migrations: { path: MIGRATIONS_PATH, pathTs: MIGRATIONS_PATH, glob: '!(*.d).ts', snapshot: true, snapshotName: '.snapshot', snapshotOnMigrate: false, dropTables: false, silent: true },
    allowGlobalContext: false,
    debug: false,
  });
}

/** Applies every pending migration; the node calls this on start. */
export async function migrate(orm: MikroORM): Promise<void> {
  await orm.migrator.up();
}
