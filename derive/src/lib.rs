//! `#[derive(Wire)]` for the `#[repr(C, packed)]` payload structs of libcxlmi.
//!
//! Every CXL mailbox payload is little-endian on the wire. The derive walks the
//! fields in declaration order and encodes/decodes each one at its running
//! offset, so a struct's wire form is exactly its packed C layout on any host.
//! `#[cfg(...)]` attributes on fields (the CXL 2.0 layouts) are carried over,
//! so a field that is compiled out also takes no room on the wire.

use proc_macro::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, parse_macro_input};

/// Reserved fields, by the names the payload structs give them
/// (`rsvd`, `rsv1`, `resv`, `reserved2`, ...).
fn is_reserved(name: &str) -> bool {
    name.starts_with("rsv") || name.starts_with("resv") || name.starts_with("reserved")
}

#[proc_macro_derive(Wire)]
pub fn derive_wire(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let name = &input.ident;
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(f) => f.named.iter().collect::<Vec<_>>(),
            _ => {
                return syn::Error::new_spanned(name, "Wire needs named fields").to_compile_error().into();
            }
        },
        _ => {
            return syn::Error::new_spanned(name, "Wire is for structs").to_compile_error().into();
        }
    };

    let mut decode_fields = Vec::new();
    let mut encode_fields = Vec::new();
    for f in &fields {
        let ident = f.ident.as_ref().unwrap();
        let ty = &f.ty;
        let cfgs: Vec<_> = f.attrs.iter().filter(|a| a.path().is_ident("cfg")).collect();
        decode_fields.push(quote! {
            #(#cfgs)*
            #ident: {
                let v = <#ty as crate::wire::Wire>::decode(&buf[off..]);
                off += <#ty as crate::wire::Wire>::SIZE;
                v
            },
        });
        if is_reserved(&ident.to_string()) {
            // Reserved bytes go out as zero whatever the caller left in them
            // (CXL r3.1 section 1.5: reserved fields are written as 0).
            encode_fields.push(quote! {
                #(#cfgs)*
                {
                    buf[off..off + <#ty as crate::wire::Wire>::SIZE].fill(0);
                    off += <#ty as crate::wire::Wire>::SIZE;
                }
            });
        } else {
            encode_fields.push(quote! {
                #(#cfgs)*
                {
                    // copy out of the packed struct before borrowing
                    let v: #ty = self.#ident;
                    crate::wire::Wire::encode(&v, &mut buf[off..]);
                    off += <#ty as crate::wire::Wire>::SIZE;
                }
            });
        }
    }

    let expanded = quote! {
        impl crate::wire::Wire for #name {
            // Packed, integer-only fields: the C size is the wire size.
            const SIZE: usize = ::core::mem::size_of::<#name>();

            #[allow(unused_assignments)]
            #[inline]
            fn decode(buf: &[u8]) -> Self {
                let mut off = 0usize;
                let _ = &buf[..Self::SIZE];
                Self { #(#decode_fields)* }
            }

            #[allow(unused_assignments)]
            #[inline]
            fn encode(&self, buf: &mut [u8]) {
                let mut off = 0usize;
                let _ = &buf[..Self::SIZE];
                #(#encode_fields)*
            }
        }
    };
    expanded.into()
}
