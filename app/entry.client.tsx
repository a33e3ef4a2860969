import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { loadPageMessages } from "./utils/inline-messages";

// The page's words first (utils/inline-messages.tsx): without them the page stays as the
// server rendered it, which works without JavaScript.
void loadPageMessages().then((loaded) => {
  if (!loaded) return;
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
});
