// One API read as reactive state: loading, the data, or a sentence saying what went wrong.
import { isNetworkError, problemText } from './api';
import { t } from './i18n';

type Result<T> = { data?: T; error?: unknown; response: Response };

export class Resource<T> {
  data = $state<T | undefined>(undefined);
  error = $state<string | null>(null);
  status = $state(0);
  loading = $state(true);

  constructor(private readonly fetcher: () => Promise<Result<T>>, auto = true) {
    if (auto) void this.reload();
  }

  async reload(): Promise<T | undefined> {
    this.loading = true;
    try {
      const { data, error, response } = await this.fetcher();
      this.status = response.status;
      if (data !== undefined) {
        this.data = data;
        this.error = null;
      } else {
        this.error = problemText(error, t.common.error);
      }
    } catch (e) {
      this.status = 0;
      this.error = isNetworkError(e) ? t.common.networkError : t.common.error;
    } finally {
      this.loading = false;
    }
    return this.data;
  }
}
