import type { CoreError, ErrorCode } from '../core/types';

/** A short title per core error code; the core's own message follows it. */
const TITLES: Record<ErrorCode, string> = {
  'empty-file': 'Empty file',
  'not-audio': 'Not an audio file',
  truncated: 'File is cut short',
  'unsupported-codec': 'Unsupported format',
  'absurd-header': 'Damaged header',
  'too-many-channels': 'Too many channels',
  'too-long': 'Too long to analyse here',
  'decode-failed': 'Could not decode',
  'io-error': 'Could not read the file',
  aborted: 'Cancelled',
};

export const errorTitle = (error: CoreError): string => TITLES[error.code] ?? 'Error';

/** One line, no stack: core messages are written for people already. */
export function errorMessage(error: CoreError): string {
  const firstLine = error.message.split('\n')[0].trim();
  return firstLine.length > 300 ? `${firstLine.slice(0, 297)}…` : firstLine;
}
