import { useQuery } from '@tanstack/react-query';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { FitVerdict } from '../common/FitVerdict';

/** How a library model fits this machine at its context size; asked for on a click, since it reads the file's header. */
export function FitResult({ path }: { path: string }) {
  const fit = useQuery({
    queryKey: queryKeys.fit(path, null),
    queryFn: () => call('models:fit', { path }),
    // Free memory changes as other programs run: a fit is worth asking again after a while.
    staleTime: 30_000,
  });
  if (fit.error) {
    return (
      <p className="picker-error" role="alert">
        Could not judge the fit: {fit.error.message}
      </p>
    );
  }
  if (!fit.data) return <output className="picker-note">Judging the fit…</output>;
  return (
    <p className="library-fit" data-testid="library-fit">
      <FitVerdict fit={fit.data} />
    </p>
  );
}
