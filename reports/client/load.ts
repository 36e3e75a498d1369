// Read the report's data out of the page: the base64 text of the data element, inflated.
import { decodeReport } from '../shared/codec.js';
import type { ReportData } from '../shared/data.js';

export const DATA_ELEMENT_ID = 'faultline-data';

export function loadReportData(doc: Document): ReportData {
  const el = doc.getElementById(DATA_ELEMENT_ID);
  if (el === null) throw new Error('this page holds no faultline report data');
  const text = (el.textContent ?? '').trim();
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return decodeReport(bytes);
}
