/**
 * The task a task model (Florence-2) runs, next to the composer: "Closest to my question" lets a
 * plain question pick it (the answer then says which), or one of the model's tasks. A task with
 * an input takes the message as that input: the phrase to find, or the region as four pixel
 * coordinates of the image ("left top right bottom"), which dragging a box over the picture
 * (RegionPicker) writes there.
 */
import { FLORENCE2_TASKS, florence2Task, regionToLocationTokens, type Florence2TaskId } from '../../workers/models/florence2-tasks.ts';
import type { AskedRegion } from '../chat/conversation.ts';
import type { Attachment } from '../files/index.ts';
import { orderedBox, parseRegionText, regionProblem } from './region-input.ts';

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

/** Whether the choice takes a region of the image (the region picker is shown for it). */
export function takesRegion(choice: TaskChoice): boolean {
  return choice !== 'auto' && florence2Task(choice)?.input === 'region';
}

/** What the message box asks for under a task with an input. */
export function taskPlaceholder(choice: TaskChoice): string | undefined {
  const input = choice === 'auto' ? 'none' : florence2Task(choice)?.input;
  if (input === 'phrase') return 'The phrase to find, e.g. the red car';
  if (input === 'region') return 'The region in pixels: left top right bottom (or drag a box over the image)';
  return undefined;
}

/** A message for a task model: its text, and the region it asks about (region tasks). */
export interface TaskRequest {
  text: string;
  region?: AskedRegion;
}

/**
 * The message for the chosen task: the draft as is ("auto"), the task token, or the token with
 * its input. `image` is the one the model will look at (the attached image, else the
 * conversation's latest). Throws RangeError with what is missing or wrong, so nothing is sent.
 */
export function taskRequest(choice: TaskChoice, draft: string, image: Attachment | undefined): TaskRequest {
  const task = choice === 'auto' ? undefined : florence2Task(choice)!;
  if (!image) throw new RangeError(`${task?.label ?? 'This model'} needs an image: attach the image ${task?.input === 'region' ? 'the region is in' : 'to look at'}, then send.`);
  if (!task) return { text: draft };
  if (task.input === 'none') return { text: choice };
  if (task.input === 'phrase') {
    if (!draft.trim()) throw new RangeError(`${task.label}: write the phrase to find in the message.`);
    return { text: `${choice}${draft.trim()}` };
  }
  const typed = parseRegionText(draft);
  if (!typed) {
    throw new RangeError(
      `${task.label}: drag a box over the image, or write the region in the message as four pixel coordinates, left top right bottom (the image is ${image.width} × ${image.height}).`,
    );
  }
  const problem = regionProblem(typed, image);
  if (problem) throw new RangeError(`${task.label}: ${problem}`);
  const box = orderedBox(typed);
  return { text: `${choice}${regionToLocationTokens(box, image)}`, region: { imageId: image.id, box } };
}
