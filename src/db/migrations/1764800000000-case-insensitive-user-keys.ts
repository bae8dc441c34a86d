import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Usernames and e-mail addresses are unique whatever their letter case. */
export class CaseInsensitiveUserKeys1764800000000 implements MigrationInterface {
  name = 'CaseInsensitiveUserKeys1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE UNIQUE INDEX "UQ_User_username_lower" ON "User" (LOWER("username"))',
    );
    await runner.query('CREATE UNIQUE INDEX "UQ_User_email_lower" ON "User" (LOWER("email"))');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX "UQ_User_email_lower"');
    await runner.query('DROP INDEX "UQ_User_username_lower"');
  }
}
