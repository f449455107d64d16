export type { PrintReportPdfOptions } from "./print-pdf.ts";
export { printReportPdf } from "./print-pdf.ts";
