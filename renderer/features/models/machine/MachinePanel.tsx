import { useQuery } from '@tanstack/react-query';
import type { MachineReport } from '../../../../shared/models';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { Fact } from '../common/Fact';
import { formatBytes } from '../common/format';

export const BACKEND_NAME: Record<MachineReport['backend'], string> = { cuda: 'CUDA', metal: 'Metal', vulkan: 'Vulkan', cpu: 'CPU only' };

/** Used and total, as a person reads memory: "5.2 GB free of 16.0 GB". */
const freeOf = (m: { total: number; free: number }): string => `${formatBytes(m.free)} free of ${formatBytes(m.total)}`;

/** The GPU doctor: what llama.cpp runs on here, what this machine has, and which backends failed and why. */
export function MachinePanel() {
  const report = useQuery({ queryKey: queryKeys.machine, queryFn: () => call('system:report'), staleTime: 10_000 });
  const r = report.data;
  return (
    <div className="machine" data-testid="machine">
      <div className="machine-head">
        <h2 className="models-heading">This machine</h2>
        <button type="button" className="button button-small" onClick={() => void report.refetch()} disabled={report.isFetching}>
          {report.isFetching ? 'Checking…' : 'Check again'}
        </button>
      </div>
      {report.error && (
        <p className="models-error" role="alert">
          Could not examine this machine: {report.error.message}
        </p>
      )}
      {!r && !report.error && <p className="muted">Examining the GPU, memory and disk…</p>}
      {r && <MachineFacts report={r} />}
    </div>
  );
}

export function MachineFacts({ report: r, compact = false }: { report: MachineReport; compact?: boolean }) {
  return (
    <>
      <dl className={`machine-facts${compact ? ' machine-facts-compact' : ''}`} data-testid="machine-facts">
        <Fact name="Runs on" testId="machine-backend">
          {BACKEND_NAME[r.backend]}
        </Fact>
        {r.devices.length > 0 && <Fact name={r.devices.length === 1 ? 'GPU' : 'GPUs'}>{r.devices.join(', ')}</Fact>}
        {r.vram.total > 0 && <Fact name="GPU memory">{freeOf(r.vram)}</Fact>}
        <Fact name="Memory">{freeOf(r.ram)}</Fact>
        <Fact name="CPU cores">{r.cpuCores}</Fact>
        {!compact && (
          <>
            <Fact name="Memory bandwidth">
              {r.bandwidth.gpu && (
                // The source names the figure and where it came from ("13 GB/s, measured on this machine …").
                <div>GPU: {r.bandwidth.gpu.source}</div>
              )}
              {r.bandwidth.cpu && <div>CPU: {r.bandwidth.cpu.source}</div>}
              {!r.bandwidth.gpu && !r.bandwidth.cpu && 'not measured: speeds cannot be estimated'}
            </Fact>
            <Fact name="Free disk">
              {formatBytes(r.diskFreeBytes)} in <code>{r.modelsDir}</code>
            </Fact>
          </>
        )}
      </dl>
      {!compact && r.fallbacks.length > 0 && (
        <section aria-labelledby="fallbacks-heading" className="fallbacks">
          <h3 id="fallbacks-heading" className="models-subheading">
            Backends tried first
          </h3>
          <ul data-testid="machine-fallbacks">
            {r.fallbacks.map((f) => (
              <li key={f.backend}>
                <strong>{f.backend}</strong> did not work: {f.reason}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
