/**
 * A statement parameter read through a scalar subquery (an InitPlan, evaluated once per run), for
 * SQL text: `WHERE id = ANY(${planStableParameter('$1', 'bigint[]')})`.
 *
 * Why: Postgres plans the first five runs of a prepared statement for their values, then keeps its
 * generic plan only if that is estimated no dearer than those; otherwise it plans every run anew.
 * A parameter the planner can see (an array's length, a minimum every row meets, a null filter)
 * makes the value-specific plans look cheaper, and hot statements paid their planning on every
 * call: 0.2–0.9 ms of Postgres CPU each, as much as running them. Read this way, the value is
 * unknown to both kinds of plan, the estimates match, and the generic plan is kept. Use it where
 * one plan suits every value (a primary-key probe, a batch of a few ids, the claim's filters), and
 * check the statement's plan cache in a test (pg_prepared_statements).
 */
export function planStableParameter(placeholder: string, type: string): string {
  if (!/^\$[1-9][0-9]*$/.test(placeholder)) throw new Error(`not a placeholder: ${placeholder}`);
  if (!/^[a-z][a-z0-9_ ]*(\[\])?$/.test(type)) throw new Error(`not a type name: ${type}`);
  // The outer cast keeps `= ANY(…)` an array comparison, not a subquery's.
  return `(SELECT ${placeholder}::${type})::${type}`;
}
