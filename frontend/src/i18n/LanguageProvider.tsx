import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { i18n, rememberLanguage, type Language } from './index';

interface LanguageValue {
  language: Language;
  setLanguage(lang: Language): void;
}

const LanguageContext = createContext<LanguageValue>({ language: 'en', setLanguage: () => {} });

/** i18next and antd's own texts switch together; the choice is remembered. */
export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setState] = useState<Language>(() => (i18n.language === 'zh-CN' ? 'zh-CN' : 'en'));
  const setLanguage = useCallback((lang: Language) => {
    rememberLanguage(lang);
    void i18n.changeLanguage(lang);
    setState(lang);
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return (
    <I18nextProvider i18n={i18n}>
      <ConfigProvider
        locale={language === 'zh-CN' ? zhCN : enUS}
        theme={{ token: { borderRadius: 6 } }}
        // No space pushed between two Chinese characters: a button's accessible name is its label as written.
        button={{ autoInsertSpace: false }}
      >
        <AntApp>
          <LanguageContext.Provider value={{ language, setLanguage }}>{children}</LanguageContext.Provider>
        </AntApp>
      </ConfigProvider>
    </I18nextProvider>
  );
}

export function useLanguage(): LanguageValue {
  return useContext(LanguageContext);
}
