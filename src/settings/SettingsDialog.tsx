/**
 * Settings: answer length, greedy or creative, image detail (with what each costs in image tokens
 * for an actual image) and the backend; the page adds its own sections below.
 */
import type { ReactNode } from 'react';
import type { Capabilities } from '../../workers/protocol.ts';
import { Modal } from '../lib/Modal.tsx';
import { AnswerLengthSetting } from './AnswerLengthSetting.tsx';
import { BackendSetting } from './BackendSetting.tsx';
import { ImageDetailSetting, type ImageCostProps } from './ImageDetailSetting.tsx';
import { PrepareAheadSetting } from './PrepareAheadSetting.tsx';
import { SamplingSetting } from './SamplingSetting.tsx';
import type { SettingProps } from './settings.ts';
import './settings.css';

export function SettingsDialog({
  settings,
  onChange,
  onClose,
  capabilities,
  children,
  ...imageCost
}: SettingProps &
  ImageCostProps & {
    onClose: () => void;
    capabilities: Capabilities | null;
    /** Extra sections, e.g. the "Models & storage" panel. */
    children?: ReactNode;
  }) {
  return (
    <Modal label="Settings" onClose={onClose} className="settings-dialog">
      <h2 className="modal-title">Settings</h2>
      <AnswerLengthSetting settings={settings} onChange={onChange} />
      <SamplingSetting settings={settings} onChange={onChange} />
      <ImageDetailSetting settings={settings} onChange={onChange} {...imageCost} />
      <PrepareAheadSetting settings={settings} onChange={onChange} />
      <BackendSetting settings={settings} onChange={onChange} capabilities={capabilities} />
      <form method="dialog" className="modal-actions">
        <button className="button primary">Done</button>
      </form>
      {children}
    </Modal>
  );
}
