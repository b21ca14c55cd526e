import { zhCN } from './zh-CN';

/** The app's words. Only zh-CN today; a second language would pick its file here. */
export const t = zhCN;
