/**
 * The conversation: questions with their images, answers streaming as sanitised Markdown. Keeps
 * the newest text in view while it streams, unless the person scrolled up to read.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { Attachment } from '../files/index.ts';
import { questionFor, type Conversation, type Message } from './conversation.ts';
import { AssistantMessageView, UserMessageView } from './MessageView.tsx';
import { askedRegionAnswer } from './task-message.ts';
import './chat.css';

export interface MessageListProps {
  conversation: Conversation;
  busy: boolean;
  modelLoading: boolean;
  modelNames: Record<string, string>;
  onRegenerate: (answerId: string) => void;
  onRunOnCpu: (answerId: string) => void;
  onContinue: (answerId: string) => void;
  onEdit: (userId: string, text: string) => void;
  onView: (image: Attachment) => void;
}

export function MessageList({ conversation, busy, modelLoading, modelNames, onRegenerate, onRunOnCpu, onContinue, onEdit, onView }: MessageListProps) {
  const end = useRef<HTMLDivElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const { messages } = conversation;
  const last = messages.at(-1);
  const lastText = last?.role === 'assistant' ? last.text : '';

  useEffect(() => {
    const scroller = container.current?.closest('.chat-scroll');
    if (!scroller) return;
    const onScroll = () => {
      pinned.current = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    };
    scroller.addEventListener('scroll', onScroll, { passive: true });
    return () => scroller.removeEventListener('scroll', onScroll);
  }, []);

  useLayoutEffect(() => {
    if (pinned.current) end.current?.scrollIntoView({ block: 'end' });
  }, [messages.length, lastText]);

  useEffect(() => {
    pinned.current = true;
    end.current?.scrollIntoView({ block: 'end' });
  }, [conversation.id]);

  const lastAnswerIndex = messages.findLastIndex((message) => message.role === 'assistant');
  /** An image of a message before `index`, by id. */
  const imageBefore = (index: number, id: string | undefined) =>
    id === undefined
      ? undefined
      : messages
          .slice(0, index)
          .flatMap((earlier: Message) => (earlier.role === 'user' ? earlier.images : []))
          .find((image) => image.id === id);
  return (
    <div className="message-list" ref={container}>
      {messages.map((message, index) => {
        if (message.role === 'user') {
          const regionImage = message.region && !message.images.some((image) => image.id === message.region!.imageId) ? imageBefore(index, message.region.imageId) : undefined;
          return (
            <UserMessageView
              key={message.id}
              message={message}
              canEdit={!busy}
              onEdit={(text) => onEdit(message.id, text)}
              onView={onView}
              {...(regionImage ? { regionImage } : {})}
            />
          );
        }
        const hasImages = messages.slice(0, index).some((earlier) => earlier.role === 'user' && earlier.images.length > 0);
        const question = questionFor(messages, message.id);
        const regions = message.regions ?? askedRegionAnswer(question, message, imageBefore(index, question?.region?.imageId));
        const regionImage = imageBefore(index, regions?.imageId);
        return (
          <AssistantMessageView
            key={message.id}
            message={message}
            pendingPhase={modelLoading ? 'loading' : hasImages ? 'images' : 'thinking'}
            isLast={index === lastAnswerIndex}
            canAct={!busy}
            modelName={modelNames[message.modelId] ?? message.modelId}
            onRegenerate={() => onRegenerate(message.id)}
            onRunOnCpu={() => onRunOnCpu(message.id)}
            onContinue={() => onContinue(message.id)}
            {...(regions && regionImage ? { regions, regionImage } : {})}
          />
        );
      })}
      <div ref={end} className="message-list-end" />
    </div>
  );
}
