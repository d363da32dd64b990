import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduledJob } from '../../../src/domain/identity-profiles/scheduled.js';
import { apiClient } from '../../helpers/api/index.js';
import { startTestApp, waitForTask, type TestApp } from '../../helpers/app.js';
import { expectContract, sharedDir } from '../../helpers/contract.js';
import { DATABASES, postgresReachable } from '../../helpers/databases.js';
import { accountAttr, loadAndProcess, sourceWithProfile } from '../../helpers/identities.js';
import { multipartFile } from '../../helpers/multipart.js';

const PG_UP = await postgresReachable();
const CONTRACTS = sharedDir() !== undefined;
const DAY = 86_400_000;

/** HR: a status column and an end date. di's status names the disabled default state, ed's no state at all. */
const hr = (bob: string) =>
  [
    'id,name,status,endDate',
    'e1,ann,Active,2099-12-31',
    `e2,bob,${bob},2099-12-31`,
    'e3,cy,Active,2030-01-15',
    'e4,di,Inactive,2099-12-31',
    'e5,ed,Contractor,2099-12-31',
  ].join('\n');
const AD = ['id,name', 'a1,ann', 'a2,bob', 'a3,cy'].join('\n');

/**
 * `cloudLifecycleState`: `leaver` once the end date has passed (the clock: a time-based mapping),
 * otherwise the HR status in lower case.
 */
const LIFECYCLE_MAPPING = {
  type: 'conditional',
  attributes: {
    ended: {
      type: 'dateCompare',
      attributes: {
        firstDate: {
          type: 'dateFormat',
          attributes: { input: accountAttr('HR', 'endDate'), inputFormat: 'yyyy-MM-dd', outputFormat: 'ISO8601' },
        },
        secondDate: 'now',
        operator: 'LT',
        positiveCondition: 'yes',
        negativeCondition: 'no',
      },
    },
    status: { type: 'lower', attributes: { input: accountAttr('HR', 'status') } },
    expression: '$ended eq yes',
    positiveCondition: 'leaver',
    negativeCondition: '$status',
  },
};

/**
 * Issue 15 end to end, on each database: an HR status column drives `cloudLifecycleState`; states
 * count their identities; a leaver's accounts (on every source) are disabled; set-lifecycle-state
 * moves them back by hand and enables them again, and processing keeps that manual state while HR
 * says the same; when the app's clock passes an end date, the scheduled job's run moves that
 * person to `leaver`.
 */
describe.each(DATABASES)('lifecycle states end to end on %s', (kind) => {
  const skip = kind === 'postgres' && !PG_UP;
  let now = Date.parse('2030-01-10T12:00:00Z');
  let t: TestApp;
  let h: Record<string, string>;
  let hrId: string;
  let adId: string;
  let profileId: string;
  const ids: Record<string, string> = {};
  const states: Record<string, string> = {};
  const api = apiClient(() => t);

  beforeAll(async () => {
    if (skip) return;
    t = await startTestApp(kind, { now: () => new Date(now) });
    h = await t.admin();
    const made = await sourceWithProfile(
      t,
      h,
      { name: 'HR' },
      { name: 'Workers', mappings: { uid: accountAttr('HR', 'name'), cloudLifecycleState: LIFECYCLE_MAPPING } },
    );
    ({ sourceId: hrId, profileId } = made);
    await api.identityProfiles.patch(profileId, [{ op: 'replace', path: '/hasTimeBasedAttr', value: true }]);
    ({ id: adId } = await api.sources.create({ name: 'AD' }));
    // the default states: `active` enabled, enabling every account; `inactive` left disabled
    for (const s of await api.lifecycleStates.list(profileId)) states[s.technicalName] = s.id;
    await api.lifecycleStates.patch(profileId, states.active, [
      { op: 'replace', path: '/enabled', value: true },
      { op: 'replace', path: '/accountActions', value: [{ action: 'ENABLE', allSources: true }] },
    ]);
    const leaver = await api.lifecycleStates.create(profileId, {
      name: 'Leaver',
      technicalName: 'leaver',
      enabled: true,
      identityState: 'INACTIVE_LONG_TERM',
      accountActions: [{ action: 'DISABLE', allSources: true }],
    });
    states.leaver = leaver.id;
  });
  afterAll(async () => t?.close());

  const identity = async (name: string) =>
    (await t.app.inject({ method: 'GET', url: `/v2025/identities/${ids[name]}`, headers: h })).json();
  const disabledOf = async (name: string) => {
    const accounts = (
      await t.app.inject({
        method: 'GET',
        url: `/v3/accounts?filters=${encodeURIComponent(`identityId eq "${ids[name]}"`)}`,
        headers: h,
      })
    ).json() as Array<{ sourceId: string; disabled: boolean }>;
    return Object.fromEntries(accounts.map((a) => [a.sourceId === hrId ? 'HR' : 'AD', a.disabled]));
  };
  const counts = async () =>
    Object.fromEntries((await api.lifecycleStates.list(profileId)).map((s) => [s.technicalName, s.identityCount]));

  it.skipIf(skip)(
    'puts each identity in the state its HR status names, counts them, and reports the values that name no enabled state',
    async () => {
      const run = await loadAndProcess(t, h, hrId, hr('Active'));
      const list = (await t.app.inject({ method: 'GET', url: '/v2025/identities', headers: h })).json() as Array<{
        id: string;
        name: string;
      }>;
      for (const i of list) ids[i.name] = i.id;
      expect(run.completionStatus).toBe('Warning');
      expect(run.result.lifecycleStates).toMatchObject({ entered: { active: 3 }, problems: 2 });
      const problems = run.result.errors
        .filter((e: any) => e.attribute === 'cloudLifecycleState')
        .map((e: any) => `${e.name}: ${e.message}`)
        .sort();
      expect(problems).toEqual([
        "di: cloudLifecycleState 'inactive' names the lifecycle state 'Inactive', which is disabled.",
        "ed: cloudLifecycleState 'contractor' names no lifecycle state of the identity profile.",
      ]);
      expect(await counts()).toEqual({ active: 3, inactive: 0, leaver: 0 });
      const ann = await identity('ann');
      expect(ann).toMatchObject({
        lifecycleState: { stateName: 'active', manuallyUpdated: false },
        identityState: null,
        attributes: { cloudLifecycleState: 'active' },
      });
      const v1 = await t.app.inject({ method: 'GET', url: `/identities/v1/${ids.ann}`, headers: h });
      expect(v1.json().lifecycleState).toEqual({ stateName: 'active', manuallyUpdated: false });
      if (CONTRACTS) expectContract('per-service/identities.v1', 'GET', `/identities/v1/${ids.ann}`, 200, v1.json());
      expect((await identity('di')).lifecycleState).toBeNull();
      // the preview says the same as the run
      const preview = await t.app.inject({
        method: 'POST',
        url: '/v2025/identity-profiles/identity-preview',
        headers: h,
        payload: {
          identityId: ids.ed,
          identityAttributeConfig: {
            enabled: true,
            attributeTransforms: [
              { identityAttributeName: 'cloudLifecycleState', transformDefinition: LIFECYCLE_MAPPING },
            ],
          },
        },
      });
      expect(preview.statusCode).toBe(200);
      expect(preview.json().previewAttributes[0]).toMatchObject({
        name: 'cloudLifecycleState',
        value: 'contractor',
        errorMessages: [{ text: "cloudLifecycleState 'contractor' names no lifecycle state of the identity profile." }],
      });
    },
  );

  it.skipIf(skip)("disables a leaver's accounts on every source when HR says so, recorded as a task", async () => {
    // AD's accounts correlate to the identities by name (uid); AD is not authoritative
    const file = multipartFile('file', 'ad.csv', AD);
    const load = await t.app.inject({
      method: 'POST',
      url: `/v3/sources/${adId}/load-accounts`,
      payload: file.payload,
      headers: { ...h, ...file.headers },
    });
    const loaded = await waitForTask(t, load.json().task.id);
    for (const runId of loaded.result.processingTaskIds ?? []) await waitForTask(t, runId);
    expect(await disabledOf('bob')).toEqual({ HR: false, AD: false });
    const run = await loadAndProcess(t, h, hrId, hr('Leaver'));
    expect(run.result.lifecycleStates.entered).toEqual({ leaver: 1 });
    expect(await disabledOf('bob')).toEqual({ HR: true, AD: true });
    expect(await disabledOf('ann')).toEqual({ HR: false, AD: false });
    const [activityId] = run.result.lifecycleStates.accountActivityIds;
    const activity = (await t.app.inject({ method: 'GET', url: `/v3/task-status/${activityId}`, headers: h })).json();
    expect(activity).toMatchObject({ type: 'ACCOUNT_DISABLE', completionStatus: 'Success', result: { changed: 2 } });
    expect(await identity('bob')).toMatchObject({
      lifecycleState: { stateName: 'leaver', manuallyUpdated: false },
      identityState: 'INACTIVE_LONG_TERM',
    });
    expect(await counts()).toEqual({ active: 2, inactive: 0, leaver: 1 });
  });

  it.skipIf(skip)('reports a state change in a dry run like any attribute, writing nothing', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v3/identity-profiles/${profileId}`,
      headers: { ...h, 'content-type': 'application/json-patch+json' },
      payload: JSON.stringify([
        {
          op: 'replace',
          path: '/identityAttributeConfig/attributeTransforms/1/transformDefinition',
          value: { type: 'static', attributes: { value: 'leaver' } },
        },
      ]),
    });
    expect(res.statusCode).toBe(200);
    const dry = await t.app.inject({
      method: 'POST',
      url: `/v3/identity-profiles/${profileId}/process-identities?dryRun=true`,
      headers: h,
    });
    const taskId = /task-status\/(\w+)/.exec(String(dry.headers.location))![1];
    const report = await waitForTask(t, taskId);
    expect(report.result.attributeChanges.find((c: any) => c.attribute === 'cloudLifecycleState')).toMatchObject({
      identities: 4,
    });
    expect(report.result.lifecycleStates.entered).toEqual({ leaver: 4 });
    expect(await counts()).toEqual({ active: 2, inactive: 0, leaver: 1 });
    const back = await t.app.inject({
      method: 'PATCH',
      url: `/v3/identity-profiles/${profileId}`,
      headers: { ...h, 'content-type': 'application/json-patch+json' },
      payload: JSON.stringify([
        {
          op: 'replace',
          path: '/identityAttributeConfig/attributeTransforms/1/transformDefinition',
          value: LIFECYCLE_MAPPING,
        },
      ]),
    });
    expect(back.statusCode).toBe(200);
  });

  it.skipIf(skip)(
    'set-lifecycle-state moves the leaver back by hand, enables the accounts, and processing keeps it while HR says the same',
    async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/v2025/identities/${ids.bob}/set-lifecycle-state`,
        headers: h,
        payload: { lifecycleStateId: states.active },
      });
      expect(res.statusCode).toBe(200);
      if (CONTRACTS)
        expectContract(
          'identities-lifecycle.v2025',
          'POST',
          `/v2025/identities/${ids.bob}/set-lifecycle-state`,
          200,
          res.json(),
        );
      const activity = (
        await t.app.inject({ method: 'GET', url: `/v3/task-status/${res.json().accountActivityId}`, headers: h })
      ).json();
      expect(activity).toMatchObject({
        type: 'LIFECYCLE_STATE_SET',
        completionStatus: 'Success',
        result: { lifecycleState: 'active', previousLifecycleState: 'leaver' },
      });
      expect(activity.result.accountActivityIds).toHaveLength(1);
      expect(await disabledOf('bob')).toEqual({ HR: false, AD: false });
      expect(await identity('bob')).toMatchObject({
        lifecycleState: { stateName: 'active', manuallyUpdated: true },
        attributes: { cloudLifecycleState: 'active' },
        identityState: null,
      });
      const again = await t.app.inject({
        method: 'POST',
        url: '/beta/identities/process',
        headers: h,
        payload: { identityIds: [ids.bob] },
      });
      await waitForTask(t, again.json().id);
      expect((await identity('bob')).lifecycleState).toEqual({ stateName: 'active', manuallyUpdated: true });
      expect(await disabledOf('bob')).toEqual({ HR: false, AD: false });
    },
  );

  it.skipIf(skip)(
    'answers 404 for an unknown identity or state and 400 for a disabled state, as the documents declare',
    async () => {
      const cases = [
        {
          url: `/v3/identities/nobody/set-lifecycle-state`,
          body: { lifecycleStateId: states.active },
          status: 404,
          doc: 'identities-lifecycle.v3' as const,
        },
        {
          url: `/v2024/identities/${ids.ann}/set-lifecycle-state`,
          body: { lifecycleStateId: 'nothing' },
          status: 404,
          doc: 'identities-lifecycle.v2024' as const,
        },
        {
          url: `/identities/v1/${ids.ann}/set-lifecycle-state`,
          body: { lifecycleStateId: states.inactive },
          status: 400,
          doc: 'lifecycle-states.v1' as const,
        },
        {
          url: `/v2026/identities/${ids.ann}/set-lifecycle-state`,
          body: {},
          status: 400,
          doc: 'identities-lifecycle.v2026' as const,
        },
      ];
      for (const c of cases) {
        const res = await t.app.inject({ method: 'POST', url: c.url, headers: h, payload: c.body });
        expect(res.statusCode, c.url).toBe(c.status);
        if (CONTRACTS) expectContract(c.doc, 'POST', c.url, c.status, res.json());
      }
      expect(
        (
          await t.app.inject({
            method: 'POST',
            url: `/beta/identities/${ids.ann}/set-lifecycle-state`,
            headers: h,
            payload: { lifecycleStateId: states.active },
          })
        ).statusCode,
      ).toBe(404);
    },
  );

  it.skipIf(skip)(
    'moves someone to leaver when the clock passes their end date and the scheduled job fires',
    async () => {
      expect((await identity('cy')).lifecycleState.stateName).toBe('active');
      now += 6 * DAY; // 2030-01-16: past cy's end date
      const fired = new Promise<void>((resolve, reject) => {
        const onDone = (name: string, _payload: unknown, error?: Error) => {
          if (name !== scheduledJob.name) return;
          t.services.queue.events.off('done', onDone);
          if (error) reject(error);
          else resolve();
        };
        t.services.queue.events.on('done', onDone);
      });
      await t.services.queue.enqueue(scheduledJob.name, {});
      await fired;
      const runs = (
        await t.app.inject({
          method: 'GET',
          url: `/v3/task-status?sorters=-launched&filters=${encodeURIComponent(`target.id eq "${profileId}"`)}`,
          headers: h,
        })
      ).json();
      expect(runs[0].launcher).toBe('scheduler');
      const run = await waitForTask(t, runs[0].id);
      expect(run.result.lifecycleStates.entered).toEqual({ leaver: 1 });
      expect(await identity('cy')).toMatchObject({
        lifecycleState: { stateName: 'leaver', manuallyUpdated: false },
        identityState: 'INACTIVE_LONG_TERM',
      });
      expect(await disabledOf('cy')).toEqual({ HR: true, AD: true });
      // bob's manual state holds: HR still says leaver, as when it was set
      expect((await identity('bob')).lifecycleState).toEqual({ stateName: 'active', manuallyUpdated: true });
      expect(await counts()).toEqual({ active: 2, inactive: 0, leaver: 1 });
    },
  );
});
