import { credentialInValue, credentialProblem, looksLikeCredentialName, redactCredentials } from '../../../lib/core/validate';

describe('credentials by value', () => {
  test.each([
    'mysql://app:s3cret@mysql-primary.mysql.svc:3306/app',
    'jdbc:mysql://app:s3cret@db/app',
    'https://x-access-token:ghp_abc@github.com/org/repo.git',
    'https://ghp_abcdef@github.com/org/repo.git',
    'http://user@10.10.10.50:9000/alerts',
    'postgres://db.lab:5432/app?sslmode=disable&password=hunter2',
    'Server=db;Uid=app;Pwd=hunter2',
    'redis://:pw@redis:6379',
  ])('finds the credential in %j', (value) => {
    expect(credentialInValue(value)).toEqual(expect.any(String));
  });

  test.each([
    'https://git.lab.example/platform.git', 'ssh://git@git.lab.example/ops/platform.git', 'git@git.lab.example:ops/platform.git',
    'mysql-primary.mysql.svc.cluster.local', 'hello from Platform Kit', 'mysql://app@db/app', 'user@example.com',
  ])('passes %j', (value) => {
    expect(credentialInValue(value)).toBeUndefined();
  });

  test('the message names the field and the fix, and never repeats the secret', () => {
    const problem = credentialProblem('mysql://app:s3cret@db/app', 'apps[0].config.DB_URL', 'reference a Secret under secretEnv.');
    expect(problem).toMatch(/^apps\[0\]\.config\.DB_URL: "mysql:\/\/app:\*\*\*@db\/app" is a mysql:\/\/ URL with a password in it .*secretEnv/);
    expect(problem).not.toMatch(/s3cret/);
    expect(redactCredentials('https://tok@h/x?token=abc')).toBe('https://***@h/x?token=***');
  });

  test.each([['DB_PASSWORD', true], ['API_KEY', true], ['apiKey', true], ['GITHUB_TOKEN', true], ['GREETING', false], ['DB_HOST', false]])(
    'looksLikeCredentialName(%j) → %s', (key, secret) => {
      expect(looksLikeCredentialName(key)).toBe(secret);
    },
  );
});
