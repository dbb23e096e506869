import { NotificationTemplate } from './notification-template';
import { EVENT_TRIGGER_NAMES, nameProblem } from './private/notifications';

/** Props of `NotificationTrigger.of()`. */
export interface NotificationTriggerProps {
  /**
   * Name of the trigger (the `trigger.<name>` key of the ConfigMap, and the `<trigger>` of a subscription).
   * Without `when`, name it after the controller event it answers: `on-` and the event reason in kebab case (for
   * example `on-analysis-run-inconclusive`, `on-rollout-resumed`, `on-skip-steps`).
   */
  readonly name: string;
  /** The templates it sends; each must be in the same `NotificationsConfig`. */
  readonly send: NotificationTemplate[];
  /**
   * A condition over `rollout` (an expr-lang expression, for example `rollout.status.phase == 'Degraded'`): the
   * controller sends when it becomes true, whatever the event.
   * @default - no condition: it sends on the controller event its name stands for
   */
  readonly when?: string;
  /**
   * An expression whose value changes when a condition that stays true should send again (expr-lang).
   * @default - sends once each time `when` becomes true
   */
  readonly oncePer?: string;
  /**
   * What the trigger is for.
   * @default - none
   */
  readonly description?: string;
}

/**
 * A trigger of a notifications configuration (`trigger.<name>` of `argo-rollouts-notification-configmap`): when
 * to send which templates. The catalog triggers (`on-rollout-aborted`, ...) come with `NotificationsConfig`; this
 * defines others.
 *
 * @example
 * NotificationTrigger.of({
 *   name: 'on-analysis-run-inconclusive',
 *   send: [NotificationTemplate.of({ name: 'inconclusive', message: '{{.rollout.metadata.name}} waits for a decision' })],
 * });
 */
export class NotificationTrigger {
  /**
   * A trigger.
   *
   * @param props name, templates and condition
   */
  public static of(props: NotificationTriggerProps): NotificationTrigger {
    return new NotificationTrigger(props);
  }

  /** The name of the trigger. */
  public readonly name: string;
  /** The templates it sends (a copy). */
  public get templates(): NotificationTemplate[] {
    return [...this.props.send];
  }
  private readonly props: NotificationTriggerProps;

  private constructor(props: NotificationTriggerProps) {
    const where = `NotificationTrigger "${props.name}"`;
    const problem = nameProblem(props.name);
    if (problem) throw new Error(`${where}: 'name' ("${props.name}") is not a trigger name: ${problem}`);
    if (props.send.length === 0) throw new Error(`${where}: 'send' is empty, so it sends nothing: give at least one NotificationTemplate`);
    if (props.when !== undefined && props.when.trim() === '') throw new Error(`${where}: 'when' is empty: give a condition, or leave 'when' out`);
    if (props.oncePer !== undefined && props.when === undefined) {
      throw new Error(`${where}: 'oncePer' needs 'when': it only matters for a condition that stays true`);
    }
    if (props.when === undefined && !EVENT_TRIGGER_NAMES.includes(props.name)) {
      throw new Error(`${where}: has no 'when' and its name is no controller event, so it never fires: the controller sends a trigger `
        + `without a condition only on the event of the same name. Set 'when', or name it after an event (${EVENT_TRIGGER_NAMES.join(', ')})`);
    }
    this.name = props.name;
    this.props = props;
  }

  /** @internal The value of `trigger.<name>`, as an object (the ConfigMap holds it as YAML). */
  public _toConfig(): any {
    const p = this.props;
    return [{ description: p.description, when: p.when, oncePer: p.oncePer, send: p.send.map(t => t.name) }];
  }
}
