import { createRequire } from 'node:module';
import type * as Commander from 'commander';

/*
 * commander, loaded with require(). It is a CommonJS package: importing it as ESM makes
 * Node scan its sources for export names first, which costs about 15 ms of every run of
 * procdoc (measured: `await import('commander')` 33-45 ms, `require('commander')` 19-23 ms).
 * Every module of the CLI takes commander from here.
 */
const commander = createRequire(import.meta.url)('commander') as typeof Commander;

export const { Command, CommanderError, Option } = commander;
export type Command = Commander.Command;
export type CommanderError = Commander.CommanderError;
export type Option = Commander.Option;
