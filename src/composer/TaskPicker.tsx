/**
 * The task a task model (Florence-2) runs, next to the composer: "Closest to my question" lets a
 * plain question pick it (the answer then says which), or one of the model's tasks. A task with
 * an input takes the message as that input: the phrase to find, or the region as four pixel
 * coordinates of the attached image ("left top right bottom").
 */
import { FLORENCE2_TASKS, florence2Task, regionToLocationTokens, type Florence2TaskId } from '../../workers/models/florence2-tasks.ts';
import type { Attachment } from '../files/index.ts';

export type TaskChoice = Florence2TaskId | 'auto';

export function TaskPicker({ value, onChange }: { value: TaskChoice; onChange: (task: TaskChoice) => void }) {
  return (
    <label className="task-picker">
      <span>Task</span>
      <select value={value} onChange={(event) => onChange(event.target.value as TaskChoice)}>
        <option value="auto">Closest to my question</option>
        {FLORENCE2_TASKS.map((task) => (
          <option key={task.id} value={task.id}>
            {task.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The text a message carries for the chosen task: the draft as is ("auto"), the task token, or
 * the token with its input. Throws RangeError with what is missing.
 */
export function taskMessage(choice: TaskChoice, draft: string, image: Attachment | undefined): string {
  if (choice === 'auto') return draft;
  const task = florence2Task(choice)!;
  if (task.input === 'none') return choice;
  if (task.input === 'phrase') {
    if (!draft.trim()) throw new RangeError(`${task.label}: write the phrase to find in the message.`);
    return `${choice}${draft.trim()}`;
  }
  const numbers = draft.trim().split(/[\s,]+/).map(Number);
  if (!image) throw new RangeError(`${task.label}: attach the image the region is in.`);
  if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n))) {
    throw new RangeError(`${task.label}: write the region as four pixel coordinates, left top right bottom (the image is ${image.width} x ${image.height}).`);
  }
  return `${choice}${regionToLocationTokens(numbers as [number, number, number, number], image)}`;
}
