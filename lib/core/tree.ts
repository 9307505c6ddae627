import { IConstruct } from 'constructs';

/**
 * Every construct of class `type` under `scope` (`scope` itself included), in tree order: the one way the pipeline
 * and the whole-tree checks find what they judge or write (Flows, charts, stand-ins, host files), so "under a scope"
 * means the same thing for each of them.
 */
export function allOf<T extends IConstruct>(scope: IConstruct, type: abstract new (...args: never[]) => T): T[] {
  return scope.node.findAll().filter((c): c is T => c instanceof type);
}
