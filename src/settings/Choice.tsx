/** One radio choice of a settings group: its title (with what it costs, where it has a cost) and a line on what it does. */
import type { ReactNode } from 'react';

export function Choice({
  name,
  checked,
  disabled,
  onChoose,
  title,
  blurb,
  className,
}: {
  /** The group's radio name. */
  name: string;
  checked: boolean;
  disabled?: boolean;
  onChoose: () => void;
  title: ReactNode;
  blurb: ReactNode;
  className?: string;
}) {
  return (
    <label className={className ? `choice ${className}` : 'choice'}>
      <input type="radio" name={name} checked={checked} disabled={disabled} onChange={onChoose} />
      <span>
        <span className="choice-title">{title}</span>
        <span className="choice-blurb">{blurb}</span>
      </span>
    </label>
  );
}
