// The Huawei simulator's control API and scenario helpers (the simulator stands in for Huawei
// Cloud, which cannot be reached from here; see sim/README.md).
import { expect } from '@playwright/test';

export const SIM_URL = process.env.SIM_URL || 'http://127.0.0.1:18090';
export const SIM_TOKEN = process.env.SIM_TOKEN || 'e2e-sim-token';

export const CODEARTS_PROJECT = 'c0ffee00c0ffee00c0ffee00c0ffee00';
export const CODEARTS_JOBS = {
  success: 'a1b2c3d4e5f60718293a4b5c6d7e8f01',
  failure: 'a1b2c3d4e5f60718293a4b5c6d7e8f02',
  aborted: 'a1b2c3d4e5f60718293a4b5c6d7e8f03',
};
export const SEED_RECORD = '901878212b1a49be9c1a1054c272762a';
export const SEED_PHASES_BUILD = 'j25yx7qm6apcxin59e3mj7u5byymtjjwsep6r5x2';
export const SS_JOBS = {
  success: ['ss0job0000000000000000000000000000000001', 'sim-ss-success'],
  failed: ['ss0job0000000000000000000000000000000002', 'sim-ss-failed'],
};

/** Id of build `index` of ServiceStage job number `job` (1-4), per sim/README.md. */
export const ssBuildId = (job, index) =>
  `ss0bld${String(job).padStart(17, '0')}${String(index).padStart(17, '0')}`;

async function call(method, path, body) {
  const res = await fetch(`${SIM_URL}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-Auth-Token': SIM_TOKEN },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** ShowListHistory as the simulator answers it: `page` is the page index, as in the API. */
export const codeartsHistory = (jobId, page, limit) =>
  call('GET', `/v3/jobs/${jobId}/history?offset=${page}&limit=${limit}&interval=30`);

/** The first `length` bytes of a CodeArts build's log as the simulator wrote them. */
export const codeartsRawLog = async (jobId, buildNo, length = 8192) =>
  (await call('GET', `/v3/jobs/${jobId}/${buildNo}/real-time-log?offset=0&length=${length}`)).result.content;

/** ServiceStage is configured with "auth": "token": the user types it once per tab session. */
export async function enterToken(page, token = SIM_TOKEN) {
  const prompt = page.locator('form.token-prompt');
  await expect(prompt).toContainText('ServiceStage needs a token');
  await prompt.getByPlaceholder('Token').fill(token);
  await prompt.getByLabel('Remember for this tab session').check();
  await prompt.getByRole('button', { name: 'Use token' }).click();
}

export const addFault = (match, fault, extra = {}) => call('POST', '/__sim/faults', { match, fault, ...extra });
export const clearFaults = () => call('DELETE', '/__sim/faults');

/** RunJob: a new CodeArts build of `jobId`; returns its record id (sim/README.md id scheme). */
export async function startCodeArtsBuild(jobId) {
  const r = await call('POST', '/v3/jobs/build', { job_id: jobId });
  const n = Number(r.actual_build_number);
  const job = Object.values(CODEARTS_JOBS).indexOf(jobId) + 1;
  return { number: n, recordId: `5eed000${job}-0000-4000-8000-${n.toString(16).padStart(12, '0')}` };
}

/** A new ServiceStage build of a job; returns its build id. */
export async function startServiceStageBuild(jobId) {
  const r = await call('POST', `/assembling/v1/jobs/${jobId}/builds`, {});
  return r.build_id ?? r.id;
}
