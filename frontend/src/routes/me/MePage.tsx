import { Alert, Button, Card, Descriptions, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { fieldErrorMap, ProblemAlert } from '../../components/errors';
import { useChangePassword } from '../../queries/misc';

export default function MePage() {
  const { t } = useTranslation();
  const { user, signOut, replaceToken } = useAuth();
  const navigate = useNavigate();
  const change = useChangePassword();
  const [done, setDone] = useState(false);
  const [form] = Form.useForm<{ current: string; next: string; repeat: string }>();
  const fields = fieldErrorMap(change.error);
  if (!user) return null;
  const role = String(user.role) as 'viewer';

  return (
    <div className="page narrow" data-testid="me-page">
      <Typography.Title level={2}>{t('me.title')}</Typography.Title>
      <Card size="small">
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('me.username')}>{user.username}</Descriptions.Item>
          <Descriptions.Item label={t('me.role')}>{t(`roles.${role}`, { defaultValue: role })}</Descriptions.Item>
          <Descriptions.Item label={t('me.id')}>
            <code>{String(user.id)}</code>
          </Descriptions.Item>
        </Descriptions>
        <Typography.Paragraph type="secondary">{t(`me.roleText.${role}`, { defaultValue: '' })}</Typography.Paragraph>
        <Button
          onClick={() => {
            signOut();
            navigate('/login', { replace: true });
          }}
        >
          {t('nav.signOut')}
        </Button>
      </Card>
      <Card size="small" title={t('me.changePassword')} className="section-gap">
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) =>
            change.mutate(
              { current: v.current, next: v.next },
              {
                onSuccess: (res) => {
                  replaceToken(res);
                  form.resetFields();
                  setDone(true);
                },
              },
            )
          }
        >
          <Form.Item
            name="current"
            label={t('me.current')}
            rules={[{ required: true, message: '' }]}
            validateStatus={fields.currentPassword ? 'error' : undefined}
            help={fields.currentPassword}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="next"
            label={t('me.next')}
            rules={[{ required: true, message: '' }]}
            validateStatus={fields.newPassword ? 'error' : undefined}
            help={fields.newPassword}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="repeat"
            label={t('me.repeat')}
            dependencies={['next']}
            rules={[
              { required: true, message: '' },
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  !value || getFieldValue('next') === value
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('me.mismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <ProblemAlert error={change.error} shownFields={['currentPassword', 'newPassword']} />
          {done ? <Alert type="success" showIcon title={t('me.changed')} className="section-gap" /> : null}
          <Button type="primary" htmlType="submit" loading={change.isPending} className="section-gap">
            {t('me.changePassword')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
