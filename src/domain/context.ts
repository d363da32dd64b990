import type { IdentityProfileRepository } from './identity-profiles/repository.js';
import type { SourceRepository } from './sources/repository.js';
import type { TaskRepository } from './tasks/repository.js';
import type { AuditRepository } from './audit/repository.js';
import type { TransformRepository } from './transforms/repository.js';
import type { AccountRepository } from './accounts/repository.js';
import type { CompiledMappingsCache } from './identities/chunk.js';
import type { IdentityRepository } from './identities/repository.js';
import type { LifecycleStateRepository } from './lifecycle-states/repository.js';
import type { DefinitionChecker } from './identity-profiles/mappings.js';
import type { Job } from './shared/job.js';
import type { TransactionPace } from './shared/transaction-pace.js';

/** Every repository the domain uses, bound to one connection or transaction. */
export interface Repositories {
  profiles: IdentityProfileRepository;
  sources: SourceRepository;
  tasks: TaskRepository;
  audit: AuditRepository;
  transforms: TransformRepository;
  accounts: AccountRepository;
  identities: IdentityRepository;
  lifecycleStates: LifecycleStateRepository;
}

/** Starts background work (a job queue): a job's definition (shared/job.ts) and a payload of its type. */
export interface JobQueue {
  enqueue<P extends object>(job: Job<P>, payload: NoInfer<P>): Promise<void>;
  /** Queues several jobs of one kind with one statement. */
  enqueueMany<P extends object>(job: Job<P>, payloads: ReadonlyArray<NoInfer<P>>): Promise<void>;
}

/** What a transaction offers besides its repositories. */
export interface TransactionScope {
  /**
   * Runs `fn` as a part of the transaction that fails alone: when it throws, what it wrote is
   * undone and the transaction goes on (an import reports a failed object and imports the
   * others). Database errors arrive as domain errors, as from `withTransaction`.
   */
  attempt<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * What a domain service gets: repositories, a way to run several writes as one transaction,
 * the clock, id generation, the job queue and who is acting.
 */
export interface DomainContext {
  repos: Repositories;
  withTransaction<T>(fn: (repos: Repositories, scope: TransactionScope) => Promise<T>): Promise<T>;
  now(): Date;
  newId(): string;
  jobs: JobQueue;
  /** Compiles a transform definition and lists what is wrong with it (the transform engine). */
  checkTransform: DefinitionChecker;
  /** Processing's compiled mappings, kept for the length of a run (one per process). */
  compiledMappings: CompiledMappingsCache;
  /**
   * Rows per statement when an upload is staged: by default 1,000; on PGlite, whose one session
   * each statement holds, as many as take about 70 ms (services.ts).
   */
  stagingPace?: () => TransactionPace;
  /** How often work with no job behind it (an upload) proves it is alive (tasks/liveness.ts; default 15 s). */
  taskHeartbeatMs?: number;
}

/** Who makes the request (for audit and task launcher). */
export interface Actor {
  clientId: string;
  name: string;
}
