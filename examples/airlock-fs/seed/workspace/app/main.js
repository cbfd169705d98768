// The example app: reads its settings from the environment (see .env, which agents must not read).
export const port = Number(process.env.PORT ?? 8080);
