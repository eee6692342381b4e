export { analyze, diagnose, focusOf, worstSeverity, type AnalyzeOptions, type DiagnoseOptions } from './diagnose.js';
export { judge, type CommandChecker } from './judge.js';
export { ANALYZERS } from './registry.js';
export { DEFAULT_THRESHOLDS, parseThresholdOverrides, resolveThresholds, type Thresholds } from './thresholds.js';
export { DiagnoseJsonSchema, type DiagnoseJson } from './contract.js';
export { renderDiagnoseText, toDiagnoseJson } from './report.js';
export type { Analyzer, AnalyzerInput } from './types.js';
export type { DraftFinding, Finding, FindingCode, Severity } from './finding.js';
