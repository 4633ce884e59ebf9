import { Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../i18n';
import { useLanguage } from '../i18n/LanguageProvider';

const NAMES: Record<Language, string> = { en: 'English', 'zh-CN': '简体中文' };

/** The language menu (a menu, not a select: the first screen stays light). */
export function LanguageSwitch({ dark = false }: { dark?: boolean }) {
  const { t } = useTranslation();
  const { language, setLanguage } = useLanguage();
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [language],
        items: LANGUAGES.map((l) => ({ key: l, label: <span lang={l}>{NAMES[l]}</span> })),
        onClick: ({ key }) => setLanguage(key as Language),
      }}
    >
      <Button
        size="small"
        ghost={dark}
        aria-label={`${t('common.language')}: ${NAMES[language]}`}
        data-testid="language"
      >
        {NAMES[language]}
      </Button>
    </Dropdown>
  );
}
