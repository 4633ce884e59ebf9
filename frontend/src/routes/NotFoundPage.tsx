import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';

export function NotFoundPage() {
  const { t } = useTranslation();
  const location = useLocation();
  return (
    <Result
      status="404"
      data-testid="not-found"
      title={t('notFound.title')}
      subTitle={t('notFound.body', { path: location.pathname })}
      extra={<Link to="/">{t('notFound.back')}</Link>}
    />
  );
}
