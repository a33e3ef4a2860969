import { createContext, useContext } from "react";

// The CSP nonce of this response (server only; browsers hide it from scripts, so
// it is an empty string after hydration, which React accepts).
export const NonceContext = createContext("");
export const useNonce = () => useContext(NonceContext);
