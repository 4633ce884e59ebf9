import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { i18n } from '../i18n';
import { renderWith } from '../test/renderWith';
import { LanguageSwitch } from './LanguageSwitch';
import { StateBadge } from './StateBadge';

describe('language switch', () => {
  it('switches every string and remembers the choice', async () => {
    renderWith(
      <>
        <LanguageSwitch />
        <StateBadge state="RUNNING" stale />
      </>,
    );
    expect(screen.getByTestId('state-badge')).toHaveTextContent('Running');
    const user = userEvent.setup();
    await user.click(screen.getByTestId('language'));
    await user.click(await screen.findByText('简体中文'));
    expect(await screen.findByText('运行中')).toBeInTheDocument();
    expect(screen.getByTestId('stale-badge')).toHaveTextContent('过时');
    expect(window.localStorage.getItem('cdc-console.lang')).toBe('zh-CN');
    expect(document.documentElement.lang).toBe('zh-CN');
    await i18n.changeLanguage('en');
  });
});
